from rest_framework import serializers

from platform_core.api.fields import PrimaryKeyRelatedField
from platform_core.audit.models import AuditEntry

from ..actions.decisions import DECISION_FIELDS
from ..actions.file_plan import CLASS_FIELDS
from ..models import (
    ActionItem,
    Classification,
    Decision,
    DisposalBatch,
    DisposalItem,
    FilePlanClass,
    LegalHold,
    Policy,
    Record,
    RecordVersion,
)

# What every answer about a record starts with (the full record and a search hit).
RECORD_SUMMARY_FIELDS = [
    "id",
    "uid",
    "title",
    "description",
    "file_class",
    "file_class_code",
    "classification",
    "owner",
    "status",
    "created_at",
]


class FilePlanClassSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(
        queryset=FilePlanClass.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = FilePlanClass
        fields = ["id", *CLASS_FIELDS]
        # At most a century: retention arithmetic adds this many months to a date.
        extra_kwargs = {"period_months": {"max_value": 1200}}


class RecordVersionSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = RecordVersion
        fields = [
            "number",
            "original_name",
            "sha256",
            "size",
            "content_type",
            "uploaded_by",
            "uploaded_at",
            "retain_until",
            "destroyed_at",
            "download_url",
        ]

    def get_download_url(self, version) -> str | None:
        if version.destroyed_at:
            return None
        return f"/api/v1/records/records/{version.record_id}/versions/{version.number}/download/"


class RecordSerializer(serializers.ModelSerializer):
    file_class = serializers.PrimaryKeyRelatedField(queryset=FilePlanClass.objects.all())
    related = PrimaryKeyRelatedField(many=True, queryset=Record.objects.all(), required=False)
    file_class_code = serializers.CharField(source="file_class.code", read_only=True)
    classification = serializers.ChoiceField(
        choices=Classification.choices, default=Classification.OFFICIAL
    )
    versions = RecordVersionSerializer(many=True, read_only=True)
    on_hold = serializers.SerializerMethodField()

    class Meta:
        model = Record
        fields = [
            *RECORD_SUMMARY_FIELDS,
            "created_by",
            "closed_at",
            "decision_date",
            "event_date",
            "disposal_due",
            "disposed_at",
            "related",
            "on_hold",
            "versions",
        ]
        read_only_fields = [
            "uid",
            "status",
            "created_at",
            "created_by",
            "closed_at",
            "disposal_due",
            "disposed_at",
        ]

    def get_on_hold(self, record) -> bool:
        return any(h.released_at is None for h in record.holds.all())

    def to_representation(self, instance):
        """Related records' ids only where the user may see them (the list prefetches only
        those; a record read on its own is filtered here)."""
        from ..access import can_read_sensitive

        data = super().to_representation(instance)
        request = self.context.get("request")
        if data.get("related") and (request is None or not can_read_sensitive(request.user)):
            data["related"] = [
                r.pk for r in instance.related.all() if r.classification == Classification.OFFICIAL
            ]
        return data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            from ..access import visible_records

            self.fields["related"].child_relation.queryset = visible_records(request.user)


class RecordSearchResultSerializer(serializers.ModelSerializer):
    """A search hit: enough to choose a record, no nested versions (one query per page)."""

    file_class_code = serializers.CharField(source="file_class.code", read_only=True)
    rank = serializers.FloatField(read_only=True, required=False)

    class Meta:
        model = Record
        fields = [*RECORD_SUMMARY_FIELDS, "disposal_due", "rank"]


class DeclareRecordSerializer(RecordSerializer):
    file = serializers.FileField(write_only=True, help_text="The record's content (multipart).")

    class Meta(RecordSerializer.Meta):
        fields = [*RecordSerializer.Meta.fields, "file"]


class UploadVersionSerializer(serializers.Serializer):
    file = serializers.FileField()


class LegalHoldSerializer(serializers.ModelSerializer):
    records = PrimaryKeyRelatedField(many=True, queryset=Record.objects.all(), required=False)
    active = serializers.BooleanField(read_only=True)

    class Meta:
        model = LegalHold
        fields = [
            "id",
            "name",
            "reason",
            "authority",
            "records",
            "active",
            "placed_by",
            "placed_at",
            "released_by",
            "released_at",
            "release_reason",
        ]
        read_only_fields = [
            "placed_by",
            "placed_at",
            "released_by",
            "released_at",
            "release_reason",
        ]


class ReleaseReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class DestroyReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RecordIdsSerializer(serializers.Serializer):
    records = PrimaryKeyRelatedField(many=True, queryset=Record.objects.all())


class DisposalItemSerializer(serializers.ModelSerializer):
    record_title = serializers.CharField(source="record.title", read_only=True)
    new_class = serializers.PrimaryKeyRelatedField(
        queryset=FilePlanClass.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = DisposalItem
        fields = [
            "id",
            "record",
            "record_title",
            "action",
            "decision",
            "extend_months",
            "new_class",
            "note",
            "outcome",
        ]
        read_only_fields = ["record", "action", "outcome"]


class DisposalBatchSerializer(serializers.ModelSerializer):
    items = DisposalItemSerializer(many=True, read_only=True)

    class Meta:
        model = DisposalBatch
        fields = [
            "id",
            "status",
            "created_at",
            "created_by",
            "completed_at",
            "completed_by",
            "certificate_sha256",
            "transfer_package_key",
            "items",
        ]


class DecideItemSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[c for c in DisposalItem.Decision.choices if c[0] != "pending"]
    )
    extend_months = serializers.IntegerField(
        min_value=1, max_value=1200, required=False, allow_null=True
    )
    new_class = serializers.PrimaryKeyRelatedField(
        queryset=FilePlanClass.objects.all(), required=False, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ActionItemSerializer(serializers.ModelSerializer):
    decision = serializers.PrimaryKeyRelatedField(queryset=Decision.objects.all())

    class Meta:
        model = ActionItem
        fields = ["id", "decision", "description", "owner", "due_date", "status"]


class DecisionSerializer(serializers.ModelSerializer):
    records = PrimaryKeyRelatedField(many=True, queryset=Record.objects.all(), required=False)
    policy = serializers.PrimaryKeyRelatedField(
        queryset=Policy.objects.all(), allow_null=True, required=False
    )
    actions = ActionItemSerializer(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            *DECISION_FIELDS,
            "published",
            "published_at",
            "records",
            "actions",
            "created_at",
        ]
        read_only_fields = ["published", "published_at", "created_at"]


# The public feed leaves out the forward plan date and the policy link.
NOT_IN_OPEN_DATA = {"forward_plan_date", "policy"}


class OpenDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = [
            "id",
            *(name for name in DECISION_FIELDS if name not in NOT_IN_OPEN_DATA),
            "published_at",
        ]


class PolicySerializer(serializers.ModelSerializer):
    record = serializers.PrimaryKeyRelatedField(
        queryset=Record.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Policy
        fields = [
            "id",
            "title",
            "summary",
            "owner",
            "version",
            "review_date",
            "record",
            "updated_at",
        ]
        read_only_fields = ["version", "updated_at"]

    def to_representation(self, instance):
        """The policy's record id only for someone who may see that record."""
        from ..access import can_read_sensitive

        data = super().to_representation(instance)
        request = self.context.get("request")
        if (
            data.get("record") is not None
            and instance.record.classification != Classification.OFFICIAL
            and (request is None or not can_read_sensitive(request.user))
        ):
            data["record"] = None
        return data


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "seq",
            "created_at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "detail",
            "prev_hash",
            "hash",
        ]
