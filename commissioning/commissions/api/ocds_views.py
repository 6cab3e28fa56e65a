"""OCDS 1.1 open data on each council's domain: /api/v1/ocds/releases/ (release packages,
paginated, filtered by date and stage) and /api/v1/ocds/records/{ocid}/ (a record package).
Open to everyone: published contracting data, as Find a Tender publishes it."""

from datetime import UTC, datetime, time

from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from platform_core.api.errors import error_response
from platform_core.inputcheck import BadInput

from .. import access, ocds

STAGES = {
    "planning": ["planning"],
    "tender": ["tender", "tenderUpdate"],
    "award": ["award"],
    "contract": ["contract"],
    "implementation": ["implementation", "contractTermination"],
}
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
MAX_PAGE = 10**6


def _moment(name: str, value: str, end: bool = False) -> datetime:
    moment = parse_datetime(value) if "T" in value else None
    if moment is None:
        try:
            day = parse_date(value)
        except ValueError:
            day = None
        if day is None:
            raise BadInput(name, "must be a date (YYYY-MM-DD) or an ISO 8601 date-time.")
        moment = datetime.combine(day, time.max if end else time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


def _int(params, name: str, default: int, maximum: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise BadInput(name, "must be a whole number, 1 or more.")
    if int(raw) > maximum:
        raise BadInput(name, f"must be {maximum} or less.")
    return int(raw)


@extend_schema(
    parameters=[
        OpenApiParameter("since", OpenApiTypes.STR, description="Releases dated on or after"),
        OpenApiParameter("until", OpenApiTypes.STR, description="Releases dated on or before"),
        OpenApiParameter("stage", OpenApiTypes.STR, enum=list(STAGES)),
        # The bounds _int enforces (page=0 was documented as valid and refused).
        OpenApiParameter("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
        OpenApiParameter(
            "page_size",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            description=f"At most {MAX_PAGE_SIZE}",
        ),
    ],
    responses={
        200: OpenApiTypes.OBJECT,
        404: OpenApiResponse(
            description="No releases match (`no_releases`): an OCDS 1.1 package cannot be empty."
        ),
    },
    auth=[],
    description="An OCDS 1.1 release package of this council's commissions, oldest first; "
    "`links.next`/`links.prev` page through them. 404 (`no_releases`) when nothing matches: "
    "an OCDS 1.1 package cannot be empty.",
)
@api_view(["GET"])
@permission_classes([AllowAny])
def releases(request):
    params = request.query_params
    qs = access.public_releases().order_by("date", "id")
    if params.get("since"):
        qs = qs.filter(date__gte=_moment("since", params["since"]))
    if params.get("until"):
        qs = qs.filter(date__lte=_moment("until", params["until"], end=True))
    stage = params.get("stage")
    if stage:
        if stage not in STAGES:
            raise BadInput("stage", f"must be one of {', '.join(STAGES)}.")
        qs = qs.filter(tag__in=STAGES[stage])
    page = _int(params, "page", 1, MAX_PAGE)
    size = _int(params, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    start = (page - 1) * size
    rows = list(qs.values_list("data", flat=True)[start : start + size + 1])
    if not rows:
        # OCDS 1.1's release package schema requires at least one release (minItems 1; 1.2
        # drops it): rather than publish a package that fails the schema, say there is none.
        return error_response(
            "no_releases",
            "No releases match: this council has published no contracting data for this "
            "query yet (an OCDS 1.1 release package holds at least one release).",
            404,
        )
    package = ocds.release_package(rows[:size], request.build_absolute_uri())
    links = {}
    query = params.copy()
    if len(rows) > size:
        query["page"] = str(page + 1)
        links["next"] = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    if page > 1:
        query["page"] = str(page - 1)
        links["prev"] = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    if links:
        package["links"] = links
    return Response(package)


@extend_schema(responses={200: OpenApiTypes.OBJECT}, auth=[])
@api_view(["GET"])
@permission_classes([AllowAny])
def record(request, ocid):
    """An OCDS 1.1 record package: every release of the contracting process and its compiled
    release."""
    rows = list(
        access.public_releases()
        .filter(commission__ocid=ocid)
        .order_by("date", "id")
        .values_list("data", flat=True)
    )
    if not rows:
        raise Http404("No such contracting process")
    return Response(ocds.record_package(ocid, rows, request.build_absolute_uri()))
