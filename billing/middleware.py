"""Metering on council domains, and the quotas that refuse (billing/metering.py).

- An API call (any path under ``/api/`` or ``/openreferral/``) is counted before the view runs;
  past the plan's monthly API calls it is refused with a 429 in the platform's JSON error
  envelope (code ``quota_exceeded``, naming the quota), and not counted.
- An upload (a multipart write carrying a file) that would take the council past its storage
  quota is refused the same way before any view reads it: nothing is written. An accepted
  upload adds its size to the council's storage until the next measurement.
- A page view (a GET of a council web page answered 200 with HTML) is counted after the
  response; page views are never refused (residents always reach their council's pages).

Redis unreachable: nothing is counted and nothing is refused for a count that could not be
made (fail open); the flushed totals still apply.
"""

from __future__ import annotations

from datetime import timedelta

from django.template.response import TemplateResponse

from platform_core.api.errors import is_api_path, json_error

from . import metering, money
from .models import Metric

WRITE_METHODS = {"POST", "PUT", "PATCH"}
NOT_PAGES = ("/admin/", "/media/", "/static/", "/documents/", "/provider/", "/assets/")


def _council(request):
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_public:
        return None
    return tenant


class UsageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        council = _council(request)
        if council is None:
            return self.get_response(request)
        path = request.path_info
        api = is_api_path(path)
        if api:
            refused = self._api_call(request, council)
            if refused is not None:
                return refused
        upload = _upload_size(request)
        if upload:
            refused = self._upload(request, council, upload)
            if refused is not None:
                return refused
        response = self.get_response(request)
        if upload and response.status_code < 300:
            from . import actions

            actions.add_storage(council, upload)
        elif (
            not api
            and request.method == "GET"
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
            and not path.startswith(NOT_PAGES)
        ):
            metering.count(Metric.PAGE_VIEWS)
        return response

    def _api_call(self, request, council):
        counted = metering.count(Metric.API_CALLS)
        if counted is None:  # Redis unreachable: served, not counted (fail open)
            return None
        total, limits = counted
        quota = (limits or {}).get(Metric.API_CALLS.value)
        if quota is None or total <= quota:
            return None
        metering.uncount(Metric.API_CALLS)
        return quota_exceeded(request, council, Metric.API_CALLS, quota, total - 1)

    def _upload(self, request, council, size):
        stored, quota = metering.stored_bytes(council)
        if quota is None or stored + size <= quota:
            return None
        # Near or past the quota: only a request that carries a file is an upload (a page
        # edited in the admin is a multipart form too). Django parses the body once; DRF reuses
        # what it parsed.
        try:
            carries_file = bool(request.FILES)
        except Exception:  # noqa: BLE001 - a malformed body: the view answers it as it would
            return None
        if not carries_file:
            return None
        return quota_exceeded(request, council, Metric.STORAGE, quota, stored, size)


def _upload_size(request) -> int:
    if request.method not in WRITE_METHODS:
        return 0
    if not request.content_type.startswith("multipart/"):
        return 0
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def quota_exceeded(request, council, metric: str, quota: int, used: int, size: int = 0):
    from django.utils import timezone

    from .actions import format_quantity

    label = Metric(metric).label
    period = metering.current_period()
    retry_after = None
    if metric == Metric.API_CALLS:
        resets = money.month_end(period) + timedelta(days=1)
        message = (
            f"{council.name} has used all {quota:,} API calls of its plan for {period:%B %Y} "
            f"(quota: api_calls). API calls are accepted again from {resets:%-d %B %Y}, or as "
            "soon as the plan is raised."
        )
        retry_after = (resets - timezone.localdate()).days * 24 * 3600
    else:
        message = (
            f"This upload ({format_quantity(metric, size)}) would take {council.name} past the "
            f"{format_quantity(metric, quota)} storage quota of its plan "
            f"({format_quantity(metric, used)} stored; quota: storage). Nothing was stored. "
            "Remove files or raise the plan, then try again."
        )
    if is_api_path(request.path_info):
        response = json_error(429, message, "quota_exceeded", {"quota": [metric]})
    else:
        response = TemplateResponse(
            request,
            "billing/quota_exceeded.html",
            {"council": council, "label": label, "message": message},
            status=429,
        ).render()
    response["X-Quota-Exceeded"] = metric
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
