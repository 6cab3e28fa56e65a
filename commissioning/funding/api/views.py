"""The council's funding API at /api/v1/funding/ on its own domain: calls (the platform-wide
register and the council's own, as one list), file import, saved searches and their matches."""

import re
from decimal import Decimal, InvalidOperation

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from commissioning.fundingregister.access import CallFileError
from platform_core.api.viewsets import TenantGenericViewSet, TenantViewSet
from platform_core.errors import Refused

from .. import access, actions, matching
from ..models import CouncilCall, SavedSearch
from . import serializers as s

CALL_FILTERS = [
    OpenApiParameter(
        "open", str, enum=["true", "false"], description="Only calls open today (default true)"
    ),
    OpenApiParameter("q", str, description="Words in funder, programme or description"),
    OpenApiParameter("theme", str, description="A theme (repeat for any of several)", many=True),
    OpenApiParameter("area", str, description="A GSS code (repeat for several)", many=True),
    OpenApiParameter("applicant_type", str),
    OpenApiParameter("min_amount", str, description="Calls offering at least this much (£)"),
]


def criteria_from(params) -> access.Criteria:
    errors = {}
    min_amount = None
    if params.get("min_amount"):
        try:
            min_amount = Decimal(params["min_amount"])
            if not min_amount.is_finite() or min_amount < 0:
                raise InvalidOperation
        except InvalidOperation:
            errors["min_amount"] = [f"{params['min_amount']!r} is not an amount in pounds"]
    areas = [a.strip().upper() for a in params.getlist("area") if a.strip()]
    bad = [a for a in areas if not (len(a) == 9 and a[0] in "EWSNK" and a[1:].isdigit())]
    if bad:
        errors["area"] = [f"{', '.join(bad)} is not a GSS code"]
    if params.get("open", "true") not in ("true", "false"):
        errors["open"] = ["must be true or false"]
    if errors:
        raise ValidationError(errors)
    return access.Criteria(
        text=params.get("q", "").strip(),
        themes=[t for t in params.getlist("theme") if t.strip()],
        areas=areas,
        applicant_type=params.get("applicant_type", "").strip(),
        min_amount=min_amount,
    )


@extend_schema_view(
    list=extend_schema(parameters=CALL_FILTERS, responses=s.CallSerializer(many=True)),
    retrieve=extend_schema(responses=s.CallSerializer),
)
class CallViewSet(TenantViewSet):
    """Funding calls: the platform-wide register every council sees and the council's own.
    Only the council's own calls can be changed or deleted here."""

    permission_model = "funding.councilcall"
    serializer_class = s.CouncilCallSerializer
    lookup_value_regex = "[^/]+"

    def scoped_queryset(self):
        return CouncilCall.objects.all()

    def list(self, request):
        params = request.query_params
        criteria = criteria_from(params)
        if params.get("open", "true") == "true":
            calls = access.search_calls(criteria)
        else:
            areas = access.with_parents(criteria.areas) if criteria.areas else set()
            calls = [c for c in access.all_calls() if access.matches(c, criteria, areas)]
        page = self.paginate_queryset(calls)
        return self.get_paginated_response(s.CallSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        call = access.find_call(pk)
        if call is None:
            raise NotFound()
        return Response(s.CallSerializer(call).data)

    def get_object(self):
        call = access.find_call(self.kwargs["pk"])
        if call is None:
            raise NotFound()
        if call.scope != "council":
            raise Refused(
                "This call is in the platform-wide register; only the platform changes it."
            )
        return call

    def perform_create(self, serializer):
        serializer.instance = actions.save_call(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = actions.save_call(
            serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        actions.delete_call(instance, actor=self.request.user)

    @extend_schema(request=s.CallImportSerializer, responses={201: s.ImportResultSerializer})
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_file(self, request):
        """Import the council's own calls from a CSV or JSON file: every problem with its line
        or JSON path, and nothing imported from a file with a problem."""
        payload = s.CallImportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        try:
            result = actions.import_calls(
                upload.read(),
                filename=upload.name or "",
                fmt=payload.validated_data.get("format", ""),
                actor=request.user,
            )
        except CallFileError as exc:
            raise ValidationError({"file": exc.problems}) from None
        return Response(result.__dict__, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.GroupMatchSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def groups(self, request, pk=None):
        """Voluntary groups in the council's providers directory that could apply to this
        call, with the reason (the services they run on its themes)."""
        call = access.find_call(pk)
        if call is None:
            raise NotFound()
        return Response(s.GroupMatchSerializer(matching.match_groups(call), many=True).data)

    action_permissions = {"import_file": ("funding.add_councilcall",)}


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "needs_only", str, enum=["true", "false"], description="Only calls that meet a need"
            )
        ],
        responses=s.MatchSerializer(many=True),
    )
)
class MatchViewSet(TenantGenericViewSet):
    """Open calls ranked against the council's needs (warehouse), areas, deadlines and amounts,
    best first, each with its reasons ("matches need X in wards A and B; closes in 12 days; up
    to £50k")."""

    permission_model = "funding.councilcall"
    serializer_class = s.MatchSerializer

    def scoped_queryset(self):
        return CouncilCall.objects.none()

    def list(self, request):
        needs_only = request.query_params.get("needs_only", "false")
        if needs_only not in ("true", "false"):
            raise ValidationError({"needs_only": ["must be true or false"]})
        ranked = matching.rank_calls(needs_only=needs_only == "true")
        page = self.paginate_queryset(ranked)
        return self.get_paginated_response(s.MatchSerializer(page, many=True).data)


class SavedSearchViewSet(TenantViewSet):
    """The signed-in officer's saved searches; new matches are emailed, and reminders sent
    before a matching call closes."""

    permission_model = "funding.savedsearch"
    serializer_class = s.SavedSearchSerializer

    def scoped_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI document: ids are ints
            return SavedSearch.objects.none()
        return access.saved_searches(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = actions.save_search(
            owner=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = actions.save_search(
            serializer.instance, owner=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        actions.delete_search(instance)

    @extend_schema(responses=s.CallSerializer(many=True))
    @action(detail=True, methods=["get"])
    def matches(self, request, pk=None):
        """The open calls that match this search today."""
        search = self.get_object()
        calls = access.search_calls(access.Criteria.of(search))
        page = self.paginate_queryset(calls)
        return self.get_paginated_response(s.CallSerializer(page, many=True).data)


class GrantViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantGenericViewSet
):
    """Grants the council makes (directly, from ward budgets, through commissions): award one
    with POST; every grant is in the council's 360Giving feed at /api/v1/360giving/grants.json."""

    permission_model = "funding.grant"
    serializer_class = s.GrantSerializer

    def scoped_queryset(self):
        return access.grants()

    def perform_create(self, serializer):
        serializer.instance = actions.award_grant(
            actor=self.request.user, **serializer.validated_data
        )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("funder", str, description="A funder's org-id"),
            OpenApiParameter(
                "area", str, description="A GSS code: grants benefiting it or its wards"
            ),
        ]
    )
)
class ExternalGrantViewSet(TenantGenericViewSet):
    """Grants other funders publish (360Giving), imported to show who funds what in the area."""

    permission_model = "funding.externalgrant"
    serializer_class = s.ExternalGrantSerializer

    def scoped_queryset(self):
        return access.external_grants()

    def list(self, request):
        params = request.query_params
        qs = access.external_grants(funder=params.get("funder", ""), area=_area_param(params))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.ExternalGrantSerializer(page, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("area", str, description="A GSS code (default: the council)")],
        responses=s.FunderSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def funders(self, request):
        """Who funds what in the area: per funder, grants, total (GBP) and latest award."""
        from tenants.access import current_council_code

        area = _area_param(request.query_params) or current_council_code() or ""
        page = self.paginate_queryset(list(access.funders_in_area(area)))
        return self.get_paginated_response(s.FunderSerializer(page, many=True).data)

    @extend_schema(
        request=s.GrantsImportSerializer, responses={201: s.GrantsImportResultSerializer}
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_file(self, request):
        """Import a 360Giving JSON package. It is validated against the 360Giving schema first:
        every error with its JSON path, and nothing imported from an invalid file."""
        from ..giving import GrantsFileError

        payload = s.GrantsImportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        try:
            batch = actions.import_grants(
                upload.read(), filename=upload.name or "", actor=request.user
            )
        except GrantsFileError as exc:
            raise ValidationError({"file": exc.problems}) from None
        return Response(
            {
                "id": batch.pk,
                "filename": batch.filename,
                "publisher": batch.publisher,
                "grants": batch.grants,
            },
            status=status.HTTP_201_CREATED,
        )

    action_permissions = {"import_file": ("funding.add_externalgrant",)}


def _area_param(params) -> str:
    area = params.get("area", "").strip().upper()
    # [0-9], not str.isdigit(): fullwidth, Arabic-Indic and superscript digits are no GSS code.
    if area and not re.fullmatch(r"[EWSNK][0-9]{8}", area):
        raise ValidationError({"area": [f"{area!r} is not a GSS code"]})
    return area
