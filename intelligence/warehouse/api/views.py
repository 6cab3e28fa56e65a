"""The council's warehouse API at /api/v1/warehouse/ on its own domain."""

from django.db import connection
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from intelligence.benchmarking import access as pool_access
from intelligence.benchmarking.api.renderers import CSVRenderer
from platform_core.api.viewsets import (
    TenantGenericViewSet,
    TenantReadOnlyViewSet,
    TenantViewSet,
)
from platform_core.periods import PeriodError, parse_period

from .. import actions, pool
from ..exports import observations_csv
from ..models import Area, AreaKind, Kpi, Metric, Observation
from ..needs import rank_needs
from . import serializers as s

ADMINS = pool.PUBLISHERS  # one rule for who publishes: the API and the admin screen


class MetricViewSet(TenantViewSet):
    """The council's metrics. ``shared`` opts a metric in to the benchmarking pool."""

    serializer_class = s.MetricSerializer
    lookup_field = "metric_id"
    lookup_value_regex = r"[a-z0-9][a-z0-9_.-]*"
    permission_model = "warehouse.metric"

    def scoped_queryset(self):
        return Metric.objects.all()

    def perform_create(self, serializer):
        serializer.instance = actions.save_metric(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = actions.save_metric(
            metric=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        actions.delete_metric(instance)


class AreaViewSet(mixins.CreateModelMixin, TenantReadOnlyViewSet):
    serializer_class = s.AreaSerializer
    lookup_field = "code"
    permission_model = "warehouse.area"

    def scoped_queryset(self):
        return Area.objects.all()

    def perform_create(self, serializer):
        serializer.instance = actions.save_area(**serializer.validated_data)


class ObservationViewSet(mixins.ListModelMixin, TenantGenericViewSet):
    """Observations, filtered by ``metric``, ``area`` and ``period``; ``?format=csv`` exports
    every matching row (in the import's column order) without pagination."""

    serializer_class = s.ObservationSerializer
    permission_model = "warehouse.observation"
    renderer_classes = [JSONRenderer, CSVRenderer]

    def scoped_queryset(self):
        queryset = Observation.objects.select_related("metric").order_by(
            "metric__metric_id", "area_code", "period_start"
        )
        params = self.request.query_params
        if params.get("metric"):
            queryset = queryset.filter(metric__metric_id=params["metric"])
        if params.get("area"):
            queryset = queryset.filter(area_code=params["area"])
        if params.get("period"):
            try:
                parse_period(params["period"])
            except PeriodError as exc:
                raise ValidationError({"period": [str(exc)]}) from None
            queryset = queryset.filter(period=params["period"])
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter("metric", str),
            OpenApiParameter("area", str),
            OpenApiParameter("period", str),
            OpenApiParameter("format", str, enum=["json", "csv"]),
        ]
    )
    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", "") == "csv":
            return self._csv(self.get_queryset())
        return super().list(request, *args, **kwargs)

    def _csv(self, queryset):
        return observations_csv(queryset)


class KpiViewSet(TenantViewSet):
    serializer_class = s.KpiSerializer
    permission_model = "warehouse.kpi"

    def scoped_queryset(self):
        return Kpi.objects.select_related("metric").prefetch_related("targets")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = actions.save_kpi(**data)

    def perform_update(self, serializer):
        data = {"metric": serializer.instance.metric, **serializer.validated_data}
        serializer.instance = actions.save_kpi(**data)


class ImportViewSet(TenantGenericViewSet):
    """Upload a CSV (``metric_id,area_code,period,value[,numerator,denominator]``). The whole
    file is checked first; a bad file imports nothing and every bad row is listed by line."""

    serializer_class = s.ImportUploadSerializer
    permission_model = "warehouse.importbatch"

    def scoped_queryset(self):
        return Observation.objects.none()

    @extend_schema(
        request={"multipart/form-data": s.ImportUploadSerializer},
        responses={201: s.ObservationImportResultSerializer},
    )
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        try:
            result = actions.import_observations(
                upload.read(), filename=upload.name, user=request.user
            )
        except UnicodeDecodeError:
            raise ValidationError({"file": ["the file is not UTF-8 text"]}) from None
        except actions.ImportErrors as exc:
            messages = [f"line {line}: {reason}" for line, reason in exc.errors]
            if exc.truncated:
                messages.append("more bad rows were not listed")
            raise ValidationError({"file": messages}) from None
        return Response(result.__dict__, status=status.HTTP_201_CREATED)


class NeedsViewSet(TenantGenericViewSet):
    """Areas ranked by need over the given indicators (``?metrics=a,b&period=2025-26&level=ward``)."""

    permission_model = "warehouse.observation"
    serializer_class = s.AreaSerializer
    pagination_class = None  # one ranking, not pages

    def scoped_queryset(self):
        return Area.objects.all()

    @extend_schema(
        parameters=[
            OpenApiParameter("metrics", str, required=True),
            OpenApiParameter("period", str, required=True),
            OpenApiParameter("level", str, enum=["ward", "lsoa"]),
        ],
        responses=s.NeedsSerializer,
    )
    def list(self, request):
        params = request.query_params
        errors = {}
        metric_ids = [m for m in params.get("metrics", "").split(",") if m]
        if not metric_ids:
            errors["metrics"] = ["give one or more metric ids, separated by commas"]
        try:
            period = parse_period(params.get("period", "")).label
        except PeriodError as exc:
            errors["period"] = [str(exc)]
        level = params.get("level", AreaKind.WARD)
        if level not in (AreaKind.WARD, AreaKind.LSOA):
            errors["level"] = [f"{level!r} is not ward or lsoa"]
        if errors:
            raise ValidationError(errors)
        try:
            ranks = rank_needs(metric_ids, period=period, level=level)
        except LookupError as exc:
            raise ValidationError(
                {"metrics": [f"unknown metric(s): {', '.join(exc.args[0])}"]}
            ) from None
        return Response({"period": period, "level": level, "results": [r.__dict__ for r in ranks]})


class PoolViewSet(TenantGenericViewSet):
    """The council's side of the benchmarking pool: publish now, and API keys for its staff
    (a council key shows the council its own embargoed values in the public API)."""

    required_groups = ADMINS
    serializer_class = s.PoolPublishSerializer

    def scoped_queryset(self):
        return Metric.objects.none()

    @extend_schema(request=s.PoolPublishSerializer, responses=s.PublishResultSerializer)
    @action(detail=False, methods=["post"])
    def publish(self, request):
        """Publish the council's shared metrics to the pool now (values only, after disclosure
        control, as the catalogue metrics they are mapped onto)."""
        serializer = s.PoolPublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = pool.publish_to_pool(embargo_until=serializer.validated_data.get("embargo_until"))
        return Response(result.__dict__)

    @extend_schema(methods=["GET"], responses=s.PoolKeyListSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=s.PoolKeySerializer, responses={201: s.IssuedPoolKeySerializer}
    )
    @action(detail=False, methods=["get", "post"], url_path="keys", pagination_class=None)
    def keys(self, request):
        if request.method == "GET":
            return Response(pool_access.council_api_keys(connection.tenant.pk))
        serializer = s.PoolKeySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key, raw = pool.issue_pool_key(serializer.validated_data["name"])
        return Response(
            {"name": key.name, "prefix": key.prefix, "key": raw}, status=status.HTTP_201_CREATED
        )

    @extend_schema(methods=["GET"], responses=s.PeerGroupListSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=s.PeerGroupSerializer,
        responses={201: s.CreatedPeerGroupSerializer},
    )
    @action(detail=False, methods=["get", "post"], url_path="groups", pagination_class=None)
    def groups(self, request):
        """The council's custom comparison groups (usable by id in ``group=`` of the public API)."""
        if request.method == "GET":
            return Response(pool_access.council_peer_groups(connection.tenant.pk))
        serializer = s.PeerGroupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = pool.create_pool_group(
            serializer.validated_data["name"], serializer.validated_data["members"]
        )
        return Response({"id": group.pk, "name": group.name}, status=status.HTTP_201_CREATED)
