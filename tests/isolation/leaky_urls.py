"""A council URLconf with deliberate cross-council leaks, to show the probe catches each kind.

Used only by tests/isolation/test_probe_can_fail.py (with ROOT_URLCONF pointed here). Each view
drops tenant scoping the way a real bug would: it looks an id up in every council's schema.
"""

from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_http_methods
from django_tenants.utils import schema_context

from platform_core.urls_tenant import urlpatterns as tenant_urlpatterns


def _find_anywhere(pk: int):
    """The bug: search every council, not just the request's."""
    from records.models import Record
    from tenants.models import Council

    here = connection.schema_name
    for council in Council.objects.exclude(schema_name="public"):
        with schema_context(council.schema_name):
            record = Record.objects.filter(pk=pk).first()
            if record is not None:
                return council.schema_name, record
    connection.set_schema(here)
    return None, None


@require_http_methods(["GET"])
def leaky_detail(request, pk):
    """Leaks content: shows another council's record."""
    _, record = _find_anywhere(pk)
    if record is None:
        raise Http404
    return JsonResponse({"title": record.title})


@require_http_methods(["GET"])
def status_oracle(request, pk):
    """Leaks existence through the status: 403 for another council's id, 404 for a missing one."""
    schema, record = _find_anywhere(pk)
    if record is not None and schema != connection.tenant.schema_name:
        return HttpResponse("Not found", status=403)
    if record is None:
        return HttpResponse("Not found", status=404)
    return HttpResponse(record.title)


@require_http_methods(["GET"])
def body_oracle(request, pk):
    """Leaks existence through the body: the same 404, with a different message."""
    schema, record = _find_anywhere(pk)
    if record is None:
        return HttpResponse("Not found", status=404)
    if schema != connection.tenant.schema_name:
        return HttpResponse("Not found here", status=404)
    return HttpResponse(record.title)


@require_http_methods(["POST"])
def leaky_write(request, pk):
    """Leaks a write: renames another council's record, then answers like a missing one."""
    tenant_schema = connection.tenant.schema_name
    schema, record = _find_anywhere(pk)
    if record is None:
        raise Http404
    with schema_context(schema):
        record.description = request.POST.get("description", "")
        record.save(update_fields=["description"])
    if schema != tenant_schema:
        raise Http404
    return HttpResponse("saved")


@require_http_methods(["GET"])
def scoped_detail(request, pk):
    """No leak: the control route, scoped to the request's council."""
    from records.models import Record

    record = Record.objects.filter(pk=pk).first()
    if record is None:
        raise Http404
    return JsonResponse({"title": record.title})


urlpatterns = [
    path("leaky/detail/<int:pk>/", leaky_detail, name="leaky-detail"),
    path("leaky/status/<int:pk>/", status_oracle, name="leaky-status"),
    path("leaky/body/<int:pk>/", body_oracle, name="leaky-body"),
    path("leaky/write/<int:pk>/", leaky_write, name="leaky-write"),
    path("leaky/scoped/<int:pk>/", scoped_detail, name="leaky-scoped"),
    path("leaky/unseeded/<int:pk>/", scoped_detail, name="leaky-unseeded"),
    *tenant_urlpatterns,
]
