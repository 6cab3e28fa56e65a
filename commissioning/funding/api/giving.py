"""The council's 360Giving feed at /api/v1/360giving/grants.json: open data, every grant the
council makes, as a 360Giving package (see giving.feed)."""

from django.http import JsonResponse
from django.utils.http import content_disposition_header
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny

from platform_core.db import connection

from .. import giving


@extend_schema(
    responses={(200, "application/json"): OpenApiTypes.OBJECT},
    description="Every grant the council makes as a 360Giving data package (schema 1.4).",
)
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([])
def grants_json(request):
    council = connection.tenant
    package = giving.feed(council, site_url=council.site_url())
    response = JsonResponse(package, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = content_disposition_header(False, "grants.json")
    response["Access-Control-Allow-Origin"] = "*"
    return response
