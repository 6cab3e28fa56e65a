"""The catalogue in the platform API (platform domain, /platform/api/v1/catalogue/): platform
staff define the metrics councils publish to, and load context data (the platform's own data,
used for nearest neighbours). Writes go through the actions; model permissions are required."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from platform_core.api.permissions import PlatformModelPermissions

from .. import actions
from ..models import PoolMetric
from .serializers import CatalogueMetricSerializer

MAX_CONTEXT_VALUES = 10_000


class ContextValueSerializer(serializers.Serializer):
    gss_code = serializers.CharField(max_length=9)
    metric_id = serializers.CharField(max_length=64)
    period = serializers.CharField(max_length=20)
    value = serializers.FloatField()


class ContextUploadSerializer(serializers.Serializer):
    source = serializers.CharField(max_length=64, required=False, allow_blank=True)
    values = ContextValueSerializer(many=True, max_length=MAX_CONTEXT_VALUES, min_length=1)


class CatalogueMetricViewSet(viewsets.ModelViewSet):
    """The platform's metric catalogue. Councils map their own metrics onto these and publish
    values only; only platform staff change a definition."""

    permission_classes = [PlatformModelPermissions]
    serializer_class = CatalogueMetricSerializer
    queryset = PoolMetric.objects.all()
    lookup_field = "metric_id"
    lookup_value_regex = r"[a-z0-9][a-z0-9_.-]{0,63}"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        if PoolMetric.objects.filter(metric_id=serializer.validated_data["metric_id"]).exists():
            raise serializers.ValidationError({"metric_id": ["already in the catalogue"]})
        serializer.instance = actions.save_catalogue_metric(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = actions.save_catalogue_metric(
            metric=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        actions.delete_catalogue_metric(instance)

    @extend_schema(request=ContextUploadSerializer, responses={201: None})
    @action(detail=False, methods=["post"], url_path="context-values")
    def context_values(self, request):
        """Load context values (platform data) for pool members; nearest neighbours are
        recomputed after the commit."""
        payload = ContextUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        count = actions.save_context_values(
            [actions.ContextValue(**v) for v in payload.validated_data["values"]],
            source=payload.validated_data.get("source", ""),
        )
        return Response({"values": count}, status=status.HTTP_201_CREATED)
