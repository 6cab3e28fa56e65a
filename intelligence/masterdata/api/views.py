"""The council's master data API at /api/v1/masterdata/ on its own domain.

People endpoints answer only the "Master data" group and audit every read; places answer
master data staff, analysts and council administrators."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from platform_core.api.permissions import IsCouncilStaff
from platform_core.api.viewsets import TenantGenericViewSet, TenantReadOnlyViewSet

from .. import access, actions, normalise
from ..models import (
    GoldenPerson,
    GoldenPlace,
    PersonRecord,
    ReviewPair,
    Source,
    SubjectAccessRequest,
)
from . import serializers as s


class ReadsPeople(IsCouncilStaff):
    """Council staff in the "Master data" group (OFFICIAL-SENSITIVE people data)."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and access.can_read_people(request.user)


class ReadsPlaces(IsCouncilStaff):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and access.can_read_places(request.user)


class SourceViewSet(TenantReadOnlyViewSet):
    """The council's source systems (name, owner, kind, trust rank)."""

    serializer_class = s.SourceSerializer
    permission_classes = [ReadsPlaces]

    def scoped_queryset(self):
        return Source.objects.all()


class ImportViewSet(TenantGenericViewSet):
    """Upload a source CSV (people, places) or the gazetteer. Structural problems reject the
    file listing every problem with its line; impossible fields are kept as missing and
    reported as warnings."""

    serializer_class = s.ImportSerializer
    permission_classes = [ReadsPlaces]

    def scoped_queryset(self):
        return Source.objects.none()

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["kind"] == "people" and not access.can_read_people(request.user):
            return Response(
                {
                    "error": {
                        "code": "permission_denied",
                        "message": "People imports need the Master data role.",
                        "fields": {},
                    }
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        upload = data["file"]
        if data["kind"] == "gazetteer":
            result = actions.import_gazetteer(upload.read(), actor=request.user)
        else:
            result = actions.import_source(
                upload.read(),
                source=data["source"],
                kind=data["kind"],
                partial=data["partial"],
                actor=request.user,
                owner=data["owner"],
                trust_rank=data.get("trust_rank"),
            )
        return Response(result.__dict__, status=status.HTTP_201_CREATED)


def _date_param(value: str, name: str):
    if not value:
        return None
    parsed = normalise.parse_date(value)
    if parsed is None:
        raise ValidationError({name: [f"{value!r} is not a date (YYYY-MM-DD)"]})
    return parsed


def _postcode_param(value: str):
    if not value:
        return ""
    parsed = normalise.parse_postcode(value)
    if parsed is None:
        raise ValidationError({"postcode": [f"{value!r} is not a UK postcode"]})
    return parsed


class PersonViewSet(TenantReadOnlyViewSet):
    """Golden people: search by ``name``, ``date_of_birth``, ``postcode``; one person with every
    linked source record. Every read is audited."""

    permission_classes = [ReadsPeople]

    def get_serializer_class(self):
        return (
            s.GoldenPersonDetailSerializer
            if self.action == "retrieve"
            else s.GoldenPersonSerializer
        )

    def scoped_queryset(self):
        params = self.request.query_params
        if self.action != "list":
            return GoldenPerson.objects.all()
        return access.search_people(
            name=params.get("name", "").strip(),
            date_of_birth=_date_param(params.get("date_of_birth", ""), "date_of_birth"),
            postcode=_postcode_param(params.get("postcode", "")),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("name", str),
            OpenApiParameter("date_of_birth", str, description="YYYY-MM-DD"),
            OpenApiParameter("postcode", str),
        ]
    )
    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        ids = [row["id"] for row in response.data.get("results", response.data)]
        access.audit_people_read(request.user, ids, how="search")
        return response

    def retrieve(self, request, pk=None):
        person = access.access_golden_person(request.user, pk)
        person = GoldenPerson.objects.prefetch_related("records__source").get(pk=person.pk)
        return Response(s.GoldenPersonDetailSerializer(person).data)

    @extend_schema(request=s.MergeSerializer, responses=s.GoldenPersonSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        keep = access.access_golden_person(request.user, pk, how="merge")
        body = s.MergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        other = GoldenPerson.objects.filter(pk=body.validated_data["other"]).first()
        if other is None:
            raise ValidationError({"other": ["no such golden person"]})
        return Response(
            s.GoldenPersonSerializer(actions.merge_people(keep, other, actor=request.user)).data
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.ErasureSerializer)
    @action(detail=True, methods=["post"])
    def erase(self, request, pk=None):
        person = access.access_golden_person(request.user, pk, how="erase")
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(
            actions.erase_person(person, actor=request.user, reason=body.validated_data["reason"])
        )

    @extend_schema(
        request=s.SubjectAccessCreateSerializer, responses={201: s.SubjectAccessSerializer}
    )
    @action(detail=True, methods=["post"], url_path="subject-access")
    def subject_access(self, request, pk=None):
        person = access.access_golden_person(request.user, pk, how="subject-access")
        body = s.SubjectAccessCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sar = actions.request_subject_access(
            person, actor=request.user, reference=body.validated_data["reference"]
        )
        return Response(s.SubjectAccessSerializer(sar).data, status=status.HTTP_201_CREATED)


class PersonRecordViewSet(TenantGenericViewSet):
    """One source record: take it out of its golden person (``unmerge``)."""

    permission_classes = [ReadsPeople]
    serializer_class = s.GoldenPersonSerializer

    def scoped_queryset(self):
        return PersonRecord.objects.all()

    @extend_schema(request=None, responses=s.GoldenPersonSerializer)
    @action(detail=True, methods=["post"])
    def unmerge(self, request, pk=None):
        record = self.get_object()
        access.audit_people_read(
            request.user, [record.golden_id] if record.golden_id else [], how="unmerge"
        )
        return Response(
            s.GoldenPersonSerializer(actions.unmerge_person_record(record, actor=request.user)).data
        )


class PlaceViewSet(TenantReadOnlyViewSet):
    """Golden places: search by ``uprn``, ``postcode``, ``address``; one place with every linked
    source record."""

    permission_classes = [ReadsPlaces]

    def get_serializer_class(self):
        return (
            s.GoldenPlaceDetailSerializer if self.action == "retrieve" else s.GoldenPlaceSerializer
        )

    def scoped_queryset(self):
        params = self.request.query_params
        if self.action != "list":
            return GoldenPlace.objects.prefetch_related("records__source")
        uprn = params.get("uprn", "").strip()
        if uprn and not normalise.UPRN_RE.match(uprn):
            raise ValidationError({"uprn": [f"{uprn!r} is not a UPRN (1 to 12 digits)"]})
        return access.search_places(
            uprn=uprn,
            postcode=_postcode_param(params.get("postcode", "")),
            address=params.get("address", "").strip(),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("uprn", str),
            OpenApiParameter("postcode", str),
            OpenApiParameter("address", str),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class ReviewViewSet(mixins.ListModelMixin, TenantGenericViewSet):
    """The clerical review queue (``?kind=people|places&status=open``); confirm or reject."""

    serializer_class = s.ReviewPairSerializer
    permission_classes = [ReadsPlaces]

    def scoped_queryset(self):
        pairs = ReviewPair.objects.select_related(
            "person_a__source", "person_b__source", "place_record__source", "place_candidate"
        )
        if not access.can_read_people(self.request.user):
            pairs = pairs.exclude(kind="people")
        params = self.request.query_params
        kind = params.get("kind", "")
        if kind and kind not in ("people", "places"):
            raise ValidationError({"kind": ["one of: people, places"]})
        if kind:
            pairs = pairs.filter(kind=kind)
        state = params.get("status", "open")
        if state not in ReviewPair.Status.values:
            raise ValidationError({"status": [f"one of: {', '.join(ReviewPair.Status.values)}"]})
        return pairs.filter(status=state)

    @extend_schema(parameters=[OpenApiParameter("kind", str), OpenApiParameter("status", str)])
    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        goldens = []
        for row in response.data.get("results", []):
            for side in ("person_a", "person_b"):
                if row.get(side) and row[side]["golden_id"]:
                    goldens.append(row[side]["golden_id"])
        access.audit_people_read(request.user, sorted(set(goldens)), how="review-list")
        return response

    def retrieve(self, request, pk=None):
        return Response(s.ReviewPairSerializer(access.access_review_pair(request.user, pk)).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        pair = access.access_review_pair(request.user, pk)
        return Response(s.ReviewPairSerializer(actions.confirm_pair(pair, actor=request.user)).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        pair = access.access_review_pair(request.user, pk)
        return Response(s.ReviewPairSerializer(actions.reject_pair(pair, actor=request.user)).data)


class SubjectAccessViewSet(TenantReadOnlyViewSet):
    """Subject access requests with their due dates; a request's ``export/`` gathers what the
    council holds about the person."""

    serializer_class = s.SubjectAccessSerializer
    permission_classes = [ReadsPeople]

    def scoped_queryset(self):
        return SubjectAccessRequest.objects.all()

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        description=(
            "Everything the council holds about the person: master data's golden and source "
            "records, decisions, review pairs, lineage and audit entries, and ``other_apps`` "
            "(each app's items, platform_core/subject_access.py). Audited. The admin's request "
            "page downloads the same as a ZIP."
        ),
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        sar = self.get_object()
        return Response(actions.subject_access_export(sar, actor=request.user))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        sar = self.get_object()
        return Response(
            s.SubjectAccessSerializer(actions.complete_subject_access(sar, actor=request.user)).data
        )


class ResolveViewSet(TenantGenericViewSet):
    """Run a full resolution now (``{"kind": "people"|"places"}``); for large councils use
    ``manage.py mdm_resolve``."""

    serializer_class = s.ResolveSerializer
    permission_classes = [ReadsPeople]

    def scoped_queryset(self):
        return Source.objects.none()

    @extend_schema(
        responses={201: OpenApiTypes.OBJECT},
        description="Run a full resolution now; the answer is the run's statistics (counts "
        "by name: records, golden records, pairs to review...).",
    )
    def create(self, request):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data["kind"] == "people":
            stats = actions.resolve_people(actor=request.user)
        else:
            stats = actions.resolve_places(actor=request.user)
        return Response(stats, status=status.HTTP_201_CREATED)


class ExportViewSet(TenantGenericViewSet):
    """``source,source_id,golden_id`` for every source record (``?kind=people|places``)."""

    permission_classes = [ReadsPlaces]
    serializer_class = s.SourceSerializer
    pagination_class = None  # one CSV file, not pages

    def scoped_queryset(self):
        return Source.objects.none()

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, enum=["people", "places"], required=True)],
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def list(self, request):
        kind = request.query_params.get("kind", "")
        if kind not in ("people", "places"):
            raise ValidationError({"kind": ["one of: people, places"]})
        if kind == "people" and not access.can_read_people(request.user):
            return Response(
                {
                    "error": {
                        "code": "permission_denied",
                        "message": "People data needs the Master data role.",
                        "fields": {},
                    }
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, f"{kind}-golden-ids.csv")
        try:
            n = actions.export_links(kind, response)
        except DjangoValidationError:  # pragma: no cover - export_links validates nothing today
            raise
        from platform_core.audit import log as audit

        audit.append(
            "masterdata.links.exported",
            object_type=f"masterdata.{kind}",
            actor=request.user,
            detail={"rows": n},
        )
        return response
