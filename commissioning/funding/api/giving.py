"""The council's 360Giving feed at /api/v1/360giving/grants.json: open data, every grant the
council makes, as a 360Giving package (see giving.feed)."""

from django.http import JsonResponse
from django.utils.http import content_disposition_header
from drf_spectacular.utils import OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny

from platform_core.api.errors import json_error
from platform_core.db import connection

from .. import access, giving


@extend_schema(
    responses={
        (200, "application/json"): OpenApiTypes.OBJECT,
        404: OpenApiResponse(
            description="No grants yet (`no_grants`): a 360Giving package cannot be empty."
        ),
        409: OpenApiResponse(
            description="The council has no org-id yet (`no_org_id`): 360Giving needs one for "
            "the funder."
        ),
    },
    description="Every grant the council makes as a 360Giving data package (schema 1.4); 404 "
    "(`no_grants`) while it has made none (a 360Giving package cannot be empty); 409 "
    "(`no_org_id`) while the council has no org-id (the funder's id).",
)
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([])
def grants_json(request):
    council = connection.tenant
    if not access.grants().exists():
        # The 360Giving package schema requires at least one grant (minItems 1): a council that
        # has made none publishes no package rather than an invalid one.
        response = json_error(
            404,
            f"{council.name} has published no grants yet (a 360Giving package holds at least "
            "one grant).",
            "no_grants",
        )
        response["Access-Control-Allow-Origin"] = "*"
        return response
    try:
        package = giving.feed(council, site_url=council.site_url())
    except giving.NoOrgId as exc:
        response = json_error(409, str(exc), "no_org_id")
        response["Access-Control-Allow-Origin"] = "*"
        return response
    response = JsonResponse(package, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = content_disposition_header(False, "grants.json")
    response["Access-Control-Allow-Origin"] = "*"
    return response
