"""The public benchmarking API on the platform domain: open read of published values, JSON or
CSV (``?format=csv``), ETag/Last-Modified caching, API keys for higher rate limits.

These are not council APIs (no council's schema is involved: the pool lives in ``public``), so
they do not use TenantViewSet; every read goes through ``access.py``.
"""

import hashlib
from datetime import datetime

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from platform_core.api.errors import error_response
from platform_core.api.pagination import PlatformPagination

from ..access import BadParameter, access_member, access_metric
from ..models import PoolMetric
from ..queries import compare_payload, resolve_period, series_payload, value_rows
from ..snapshot import get_snapshot
from . import serializers as s
from .auth import ApiKeyAuthentication, PoolRateThrottle, viewer_council_id
from .renderers import CSVRenderer

PERIOD = OpenApiParameter(
    "period",
    str,
    description="2025-26, 2025-26 Q1, 2025-04 or 2025-04-30; default: the latest period most "
    "of the group's publishing councils share (``period_basis`` says which was used)",
)
GROUP = OpenApiParameter(
    "group", str, description="all (default), tier, region, nearest, or a custom group id"
)
FORMAT_NAMES = ("json", "csv")
FORMAT = OpenApiParameter("format", str, enum=list(FORMAT_NAMES))
# Answers carry ETag and Last-Modified; a request that sends them back gets an empty 304.
NOT_MODIFIED = OpenApiResponse(
    description="Not modified: the If-None-Match or If-Modified-Since sent still holds (no body)."
)


class PoolAPIView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [PoolRateThrottle]
    renderer_classes = [JSONRenderer, CSVRenderer]
    # The OpenAPI document describes list responses as pages (the views paginate by hand).
    pagination_class = PlatformPagination
    last_modified: datetime | None = None

    def handle_exception(self, exc):
        if isinstance(exc, BadParameter):
            response = error_response(
                "invalid", f"Invalid input. {exc.name}: {exc}", 400, {exc.name: [str(exc)]}
            )
            return response
        return super().handle_exception(exc)

    def initial(self, request, *args, **kwargs):
        # ``?format=`` other than json or csv is a 400 naming it (DRF ignores an empty one and
        # answers an unknown one with a 404).
        fmt = request.query_params.get("format")
        if fmt is not None and fmt not in FORMAT_NAMES:
            raise ValidationError({"format": [f"Give one of {', '.join(FORMAT_NAMES)}."]})
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        if "Content-Type" not in response and self.csv_requested():
            # DRF drops the type of an empty body: an empty list is still an (empty) CSV file.
            response["Content-Type"] = "text/csv; charset=utf-8"
        etag = '"' + hashlib.md5(response.content, usedforsecurity=False).hexdigest() + '"'
        response["ETag"] = etag
        last_modified = int(self.last_modified.timestamp()) if self.last_modified else None
        if last_modified:
            response["Last-Modified"] = http_date(last_modified)
        private = viewer_council_id(request) is not None
        response["Cache-Control"] = "private, max-age=0" if private else "public, max-age=60"
        response["Vary"] = "Accept, Authorization, X-Api-Key"
        conditional = get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )
        return conditional

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            self._paginator = PlatformPagination()
        return self._paginator

    def csv_requested(self) -> bool:
        """``?format=csv``: the whole list in one file (``page`` and ``page_size`` are still
        checked: a malformed one is a 400, as for JSON)."""
        if getattr(self.request.accepted_renderer, "format", "") != "csv":
            return False
        self.paginator.check_params(self.request)
        return True


class MetricListView(PoolAPIView):
    @extend_schema(
        responses={200: s.MetricSerializer(many=True), 304: NOT_MODIFIED}, parameters=[FORMAT]
    )
    def get(self, request):
        """Metrics in the pool, with how many councils report each."""
        council_id = viewer_council_id(request)
        today = timezone.localdate()
        visible = Q(values__embargo_until__isnull=True) | Q(values__embargo_until__lte=today)
        if council_id:
            visible |= Q(values__member__council_id=council_id)
        queryset = PoolMetric.objects.annotate(
            councils_reporting=Count("values__member", filter=visible, distinct=True),
            last_published_at=Max("values__published_at", filter=visible),
        ).order_by("metric_id")
        self.last_modified = get_snapshot().last_modified
        if self.csv_requested():
            return Response(s.MetricSerializer(queryset, many=True).data)
        paginator = self.paginator
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(s.MetricSerializer(page, many=True).data)


class MetricValuesView(PoolAPIView):
    @extend_schema(
        responses={200: s.ValueSerializer(many=True), 304: NOT_MODIFIED},
        parameters=[PERIOD, FORMAT],
    )
    def get(self, request, metric_id):
        """Every council's published value of the metric for one period."""
        metric = access_metric(metric_id)
        council_id = viewer_council_id(request)
        period, choice = resolve_period(metric, request.query_params.get("period"), council_id)
        self.last_modified = get_snapshot().last_modified
        rows = value_rows(metric, period, council_id) if period else []
        if self.csv_requested():
            return Response([{**r, "value": rounded(r["value"], metric.precision)} for r in rows])
        page = self.paginator.paginate_queryset(rows, request, view=self)
        response = self.paginator.get_paginated_response(page)
        response.data["metric"] = metric_id
        response.data["period"] = period
        response.data["period_basis"] = choice["basis"]
        return response


class CompareView(PoolAPIView):
    @extend_schema(
        responses={200: s.CompareSerializer, 304: NOT_MODIFIED}, parameters=[PERIOD, GROUP, FORMAT]
    )
    def get(self, request, metric_id, gss_code):
        """A council against its peers: value, rank (1 = best), quartile (1 = best quarter, from
        the value against the quartile values given beside it; null when the group has fewer
        than two values), median and quartiles, and how many of the group have a value.
        ``?format=csv``: one row per peer (its own code, name, value and rank; ``subject`` marks
        the council compared), values rounded to the metric's precision."""
        metric = access_metric(metric_id)
        member = access_member(gss_code)
        self.last_modified = get_snapshot().last_modified
        payload = compare_payload(
            metric,
            member,
            period=request.query_params.get("period"),
            group=request.query_params.get("group", "all"),
            viewer_council_id=viewer_council_id(request),
        )
        if self.csv_requested():
            return Response(compare_csv_rows(payload, metric.precision))
        return Response(payload)


class SeriesView(PoolAPIView):
    @extend_schema(
        responses={200: s.SeriesSerializer, 304: NOT_MODIFIED}, parameters=[GROUP, FORMAT]
    )
    def get(self, request, metric_id, gss_code):
        """A council's time series with its group's median and quartiles for each period."""
        metric = access_metric(metric_id)
        member = access_member(gss_code)
        self.last_modified = get_snapshot().last_modified
        payload = series_payload(
            metric,
            member,
            group=request.query_params.get("group", "all"),
            viewer_council_id=viewer_council_id(request),
        )
        if self.csv_requested():
            figures = ("value", "group_median", "group_lower_quartile", "group_upper_quartile")
            payload = {
                **payload,
                "points": [
                    {**p, **{f: rounded(p[f], metric.precision) for f in figures}}
                    for p in payload["points"]
                ],
            }
        return Response(payload)


def rounded(value: float | None, precision: int) -> str | None:
    """A figure for CSV, at the metric's precision (fixed decimal places)."""
    return None if value is None else f"{value:.{precision}f}"


def compare_csv_rows(payload: dict, precision: int) -> list[dict]:
    """One row per peer with the peer's own code, name, value and rank; ``subject`` marks the
    council compared. The comparison's figures (period, group, quartiles) repeat on each row
    under names that cannot collide with the peer's."""
    shared = {
        "metric_id": payload["metric"]["metric_id"],
        "period": payload["period"],
        "group": payload["group"],
        "group_median": rounded(payload["median"], precision),
        "group_lower_quartile": rounded(payload["lower_quartile"], precision),
        "group_upper_quartile": rounded(payload["upper_quartile"], precision),
        "group_size": payload["group_size"],
        "values_count": payload["values_count"],
    }
    return [
        {
            "gss_code": p["gss_code"],
            "council": p["council"],
            "value": rounded(p["value"], precision),
            "suppressed": p["suppressed"],
            "rank": p["rank"],
            "subject": p["subject"],
            **shared,
        }
        for p in payload["peers"]
    ]
