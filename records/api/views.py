"""Records API on the council's domain, /api/v1/records/. Every view asks for a Django model
permission (records/permissions.py): reads for "Records viewers" and "Records managers" (within
what the classification allows: OFFICIAL-SENSITIVE only for managers, whose ids never appear in
lists shown to anyone else); writes, holds, disposal and the audit log for records managers.
Every write goes through records.actions."""

from django.conf import settings
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, status
from rest_framework.decorators import action, api_view, authentication_classes, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from platform_core.api.pagination import PlatformPagination
from platform_core.api.parsers import FormParser, JSONParser, MultiPartParser
from platform_core.api.viewsets import TenantGenericViewSet, TenantReadOnlyViewSet
from platform_core.audit.checkpoints import verify as verify_audit
from platform_core.audit.log import export_entries
from platform_core.audit.models import AuditEntry

from .. import actions, storage
from ..access import access_record, access_version, visible_record_ids, visible_records
from ..models import ActionItem, Decision, DisposalBatch, FilePlanClass, LegalHold, Policy
from ..search import search_records
from . import serializers as s
from .feeds import decisions_csv


class IntLookup:
    lookup_value_converter = "int"


class FilePlanClassViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    IntLookup,
    TenantGenericViewSet,
):
    serializer_class = s.FilePlanClassSerializer
    permission_model = "records.fileplanclass"

    def scoped_queryset(self):
        return FilePlanClass.objects.select_related("parent")

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        file_class = actions.create_class(request.user, **serializer.validated_data)
        return Response(self.get_serializer(file_class).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        file_class = self.get_object()
        serializer = self.get_serializer(file_class, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        file_class = actions.update_class(request.user, file_class, **serializer.validated_data)
        return Response(self.get_serializer(file_class).data)


class RecordViewSet(mixins.ListModelMixin, IntLookup, TenantGenericViewSet):
    serializer_class = s.RecordSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    permission_model = "records.record"
    action_permissions = {"audit": ("records.view_record", "audit.view_auditentry")}

    def scoped_queryset(self):
        records = visible_records(self.request.user).prefetch_related(
            "versions",
            "holds",
            Prefetch("related", queryset=visible_record_ids(self.request.user)),
        )
        for param, field in (("class", "file_class__code"), ("status", "status")):
            if value := self.request.query_params.get(param):
                records = records.filter(**{field: value})
        return records

    def get_object(self):
        return access_record(self.request.user, self.kwargs["pk"])

    @extend_schema(
        request={"multipart/form-data": s.DeclareRecordSerializer},
        responses={201: s.RecordSerializer},
    )
    def create(self, request):
        """Declare a record: metadata plus its first version's file (multipart, streamed)."""
        serializer = s.DeclareRecordSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        upload = data.pop("file")
        related = data.pop("related", [])
        record = actions.declare_record(request.user, upload=upload, related=related, **data)
        return Response(
            self.get_serializer(access_record(request.user, record.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    def partial_update(self, request, pk=None):
        record = self.get_object()
        serializer = self.get_serializer(record, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        related = data.pop("related", None)
        actions.update_record(request.user, record, related=related, **data)
        return Response(self.get_serializer(access_record(request.user, record.pk)).data)

    @extend_schema(request=s.DestroyReasonSerializer, responses={204: None})
    def destroy(self, request, pk=None):
        """Destroy the record's content now, keeping its metadata stub: only when due and not
        held (refused with the reason otherwise, and audited)."""
        body = s.DestroyReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = self.get_object()
        actions.destroy_record(request.user, record, reason=body.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        record = actions.close_record(request.user, self.get_object())
        return Response(self.get_serializer(record).data)

    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": s.UploadVersionSerializer},
        responses={201: s.RecordVersionSerializer},
    )
    @extend_schema(methods=["GET"], responses=s.RecordVersionSerializer(many=True))
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=s.RecordVersionSerializer,
        pagination_class=None,  # every version, as a list
    )
    def versions(self, request, pk=None):
        record = self.get_object()
        if request.method == "GET":
            return Response(s.RecordVersionSerializer(record.versions.all(), many=True).data)
        upload = s.UploadVersionSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        version = actions.add_version(request.user, record, upload.validated_data["file"])
        return Response(s.RecordVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            # The version's own media type (what was uploaded: PDF, PNG, DOCX ...).
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The content (filesystem storage), in the version's own media type.",
            ),
            302: OpenApiResponse(description="Redirect to a short-lived presigned URL (S3)."),
        }
    )
    @action(detail=True, methods=["get"], url_path="versions/<int:number>/download")
    def download(self, request, pk=None, number=None):
        """The version's content: a short-lived presigned URL (302) on S3, streamed otherwise.
        Audited as ``content.link_issued`` (S3) or ``content.read`` (streamed); 503 when the
        store cannot be reached, with nothing audited."""
        version = access_version(request.user, pk, number)
        actions.check_readable(version)
        # The store is checked (S3: a HEAD with short timeouts) or the file opened before the
        # audit: during an outage the answer is a 503 in the envelope and nothing is audited.
        url = storage.download_url(version.storage_key, version.original_name)
        if url:
            storage.check_content(version.storage_key)
            actions.read_content(
                request.user, version, link_seconds=settings.RECORDS_DOWNLOAD_URL_SECONDS
            )
            return HttpResponseRedirect(url)
        content = storage.open_content(version.storage_key)
        actions.read_content(request.user, version)
        response = FileResponse(
            content,
            content_type=version.content_type,
            as_attachment=True,
            filename=version.original_name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(responses=s.AuditEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # the whole trail
    def audit(self, request, pk=None):
        """Export this record's audit trail (each entry with its chain hashes)."""
        record = self.get_object()
        return Response(export_entries("records.record", record.pk))

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="words to find")],
        responses=s.RecordSearchResultSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def search(self, request):
        """Full-text search in titles, descriptions and the text of the content."""
        results = search_records(request.user, request.query_params.get("q", ""))
        paginator = SearchPagination()
        page = paginator.paginate_queryset(results, request, view=self)
        return paginator.get_paginated_response(
            s.RecordSearchResultSerializer(page, many=True).data
        )


class LegalHoldViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, IntLookup, TenantGenericViewSet
):
    serializer_class = s.LegalHoldSerializer
    permission_model = "records.legalhold"

    def scoped_queryset(self):
        return LegalHold.objects.prefetch_related(
            Prefetch("records", queryset=visible_record_ids(self.request.user))
        )

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hold = actions.place_hold(request.user, **serializer.validated_data)
        return Response(self.get_serializer(hold).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReleaseReasonSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        body = s.ReleaseReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        hold = actions.release_hold(request.user, self.get_object(), body.validated_data["reason"])
        return Response(self.get_serializer(hold).data)

    @extend_schema(request=s.RecordIdsSerializer, responses=s.LegalHoldSerializer)
    @action(detail=True, methods=["post"], url_path="add-records")
    def add_records(self, request, pk=None):
        body = s.RecordIdsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        hold = actions.add_to_hold(request.user, self.get_object(), body.validated_data["records"])
        return Response(self.get_serializer(hold).data)


class DisposalBatchViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, IntLookup, TenantGenericViewSet
):
    serializer_class = s.DisposalBatchSerializer
    permission_model = "records.disposalbatch"

    def scoped_queryset(self):
        return DisposalBatch.objects.prefetch_related("items__record")

    @extend_schema(request=None, responses={201: s.DisposalBatchSerializer, 200: None})
    def create(self, request):
        """Run the disposal schedule now: a batch of every record due (200 with null if none)."""
        batch = actions.run_disposal_schedule(request.user)
        if batch is None:
            return Response(None, status=status.HTTP_200_OK)
        return Response(
            self.get_serializer(self.scoped_queryset().get(pk=batch.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=s.DecideItemSerializer, responses=s.DisposalItemSerializer)
    @action(detail=True, methods=["post"], url_path="items/<int:item_id>/decide")
    def decide(self, request, pk=None, item_id=None):
        batch = self.get_object()
        item = batch.items.filter(pk=item_id).select_related("record", "batch").first()
        if item is None:
            raise Http404
        body = s.DecideItemSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = actions.decide_item(request.user, item, **body.validated_data)
        return Response(s.DisposalItemSerializer(item).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        batch = actions.complete_batch(request.user, self.get_object())
        return Response(self.get_serializer(batch).data)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def certificate(self, request, pk=None):
        batch = self.get_object()
        if not batch.certificate:
            raise Http404
        return Response({"certificate": batch.certificate, "sha256": batch.certificate_sha256})


class DecisionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    IntLookup,
    TenantGenericViewSet,
):
    serializer_class = s.DecisionSerializer
    permission_model = "records.decision"

    def scoped_queryset(self):
        return Decision.objects.prefetch_related(
            Prefetch("records", queryset=visible_record_ids(self.request.user)), "actions"
        )

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = actions.create_decision(request.user, **serializer.validated_data)
        return Response(self.get_serializer(decision).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        decision = self.get_object()
        serializer = self.get_serializer(decision, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        decision = actions.update_decision(request.user, decision, **serializer.validated_data)
        return Response(self.get_serializer(decision).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        decision = actions.publish_decision(
            request.user,
            self.get_object(),
            request.data.get("published", True) not in (False, "false", "0"),
        )
        return Response(self.get_serializer(decision).data)


class PolicyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    IntLookup,
    TenantGenericViewSet,
):
    serializer_class = s.PolicySerializer
    permission_model = "records.policy"

    def scoped_queryset(self):
        return Policy.objects.select_related("record").defer(
            "record__search_vector", "record__extracted_text"
        )

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        policy = actions.create_policy(request.user, **serializer.validated_data)
        return Response(self.get_serializer(policy).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        """A new version of the policy."""
        policy = self.get_object()
        serializer = self.get_serializer(policy, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        policy = actions.revise_policy(request.user, policy, **serializer.validated_data)
        return Response(self.get_serializer(policy).data)


class ActionItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    IntLookup,
    TenantGenericViewSet,
):
    serializer_class = s.ActionItemSerializer
    permission_model = "records.actionitem"

    def scoped_queryset(self):
        return ActionItem.objects.select_related("decision")

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        item = actions.create_action_item(request.user, data.pop("decision"), **data)
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        item = self.get_object()
        serializer = self.get_serializer(item, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("decision", None)
        item = actions.update_action_item(request.user, item, **data)
        return Response(self.get_serializer(item).data)


class AuditEntryViewSet(IntLookup, TenantReadOnlyViewSet):
    """The council's audit log (records managers: ``audit.view_auditentry``)."""

    serializer_class = s.AuditEntrySerializer
    permission_model = "audit.auditentry"
    lookup_field = "seq"

    def scoped_queryset(self):
        entries = AuditEntry.objects.all()
        for param in ("object_type", "object_id", "action"):
            if value := self.request.query_params.get(param):
                entries = entries.filter(**{param: value})
        return entries

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "full",
                bool,
                description="walk the whole chain and every checkpoint (default: only the "
                "entries after the newest signed checkpoint)",
            )
        ],
        responses={200: dict},
    )
    @action(detail=False, methods=["get"])
    def verify(self, request):
        """Verify the chain against its newest signed checkpoint: ``problem`` names the damage
        (truncation, rewrite, gap, tampered, signature, checkpoint_deleted)."""
        full = request.query_params.get("full", "false")
        if full not in ("true", "false"):
            raise ValidationError({"full": ["Must be true or false."]})
        report = verify_audit(full=full == "true")
        return Response(
            {
                "ok": report.ok,
                "checked": report.checked,
                "broken_seq": report.broken_seq,
                "reason": report.reason,
                "problem": report.problem or None,
                "head_seq": report.head_seq,
                "checkpoint_seq": report.anchor_seq,
                "checkpoint_at": report.anchored_at,
                "incremental": report.incremental,
            }
        )


class CappedCount:
    """A sequence that counts at most ``cap`` matches: counting every match of a broad query
    costs as much as finding them. ``count`` is then ``cap`` and ``count_capped`` is true."""

    cap = 1000

    def __init__(self, queryset):
        self.queryset = queryset
        self._count = None

    def count(self):
        if self._count is None:
            if isinstance(self.queryset, list):
                self._count = len(self.queryset)
            else:
                self._count = self.queryset.order_by()[: self.cap + 1].count()
        return min(self._count, self.cap)

    @property
    def capped(self) -> bool:
        return self.count() >= self.cap and self._count > self.cap

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        return self.queryset[item]


class SearchPagination(PlatformPagination):
    def paginate_queryset(self, queryset, request, view=None):
        self.capped_results = CappedCount(queryset)
        return super().paginate_queryset(self.capped_results, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.capped_results.capped
        return response


def _published():
    return Decision.objects.filter(published=True)


@extend_schema(
    responses=inline_serializer(
        "OpenDecisions", {"decisions": s.OpenDecisionSerializer(many=True)}
    ),
    auth=[],
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def open_decisions_json(request):
    """Published decisions, open data (no sign-in)."""
    return Response({"decisions": s.OpenDecisionSerializer(_published()[:5000], many=True).data})


@extend_schema(responses={(200, "text/csv"): str}, auth=[])
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def open_decisions_csv(request):
    """Published decisions as CSV, open data (no sign-in)."""
    return HttpResponse(
        decisions_csv(_published()[:5000]),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(False, "decisions.csv")},
    )
