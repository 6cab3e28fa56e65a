from rest_framework import serializers

from commissioning.fundingregister.api.serializers import (
    CALL_API_FIELDS,
    CallImportSerializer,
    CallSerializerMixin,
    ImportResultSerializer,
)

from ..models import CouncilCall, SavedSearch

__all__ = [
    "CallImportSerializer",
    "CallSerializer",
    "CouncilCallSerializer",
    "ImportResultSerializer",
    "SavedSearchSerializer",
]


class CallSerializer(serializers.Serializer):
    """A call of either register, read-only: ``scope`` says whose it is."""

    id = serializers.UUIDField()
    scope = serializers.ChoiceField(choices=["platform", "council"])
    reference = serializers.CharField()
    funder = serializers.CharField()
    programme = serializers.CharField()
    description = serializers.CharField()
    amount_min = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    amount_max = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    opens_on = serializers.DateField(allow_null=True)
    closes_on = serializers.DateField(allow_null=True)
    eligibility = serializers.CharField()
    applicant_types = serializers.ListField(child=serializers.CharField())
    themes = serializers.ListField(child=serializers.CharField())
    geography = serializers.ListField(child=serializers.CharField())
    url = serializers.URLField()


class CouncilCallSerializer(CallSerializerMixin, serializers.ModelSerializer):
    scope = serializers.SerializerMethodField()

    class Meta:
        model = CouncilCall
        fields = [*CALL_API_FIELDS, "scope"]
        read_only_fields = ["id", "created_at", "updated_at"]

    def get_scope(self, obj) -> str:
        return "council"


class SavedSearchSerializer(serializers.ModelSerializer):
    themes = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=50
    )
    areas = serializers.ListField(
        child=serializers.RegexField(r"^[EWSNK]\d{8}$", max_length=9),
        required=False,
        max_length=200,
        help_text="GSS codes",
    )

    class Meta:
        model = SavedSearch
        fields = [
            "id",
            "name",
            "text",
            "themes",
            "areas",
            "applicant_type",
            "min_amount",
            "alerts",
            "remind_days",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]


class NeedWardSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    score = serializers.FloatField()


class MatchedNeedSerializer(serializers.Serializer):
    metric_id = serializers.CharField()
    title = serializers.CharField()
    wards = NeedWardSerializer(many=True)
    priorities = serializers.ListField(
        child=serializers.CharField(), help_text="The members' priorities that weigh this need"
    )
    weight = serializers.FloatField(help_text="The need's weight (sum of its priorities' weights)")


class MatchSerializer(serializers.Serializer):
    call = CallSerializer()
    score = serializers.FloatField(help_text="0-100: needs met, place, time to apply, money")
    reasons = serializers.ListField(child=serializers.CharField())
    summary = serializers.SerializerMethodField()
    needs = MatchedNeedSerializer(many=True)
    closes_in_days = serializers.IntegerField(allow_null=True)

    def get_summary(self, obj) -> str:
        return "; ".join(obj.reasons)


class GroupMatchSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    reason = serializers.CharField()


class GrantSerializer(serializers.ModelSerializer):
    currency = serializers.RegexField(
        r"^[A-Z]{3}$",
        max_length=3,
        required=False,
        help_text="ISO 4217 currency code in capitals (GBP when left out)",
        error_messages={"invalid": "Give an ISO 4217 currency code in capitals, such as GBP."},
    )
    beneficiary_geo = serializers.ListField(
        child=serializers.RegexField(r"^[EWSNKewsnk]\d{8}$", max_length=9),
        required=False,
        max_length=200,
        help_text="GSS codes of the areas that benefit",
    )

    class Meta:
        from ..models import Grant

        model = Grant
        fields = [
            "id",
            "title",
            "description",
            "currency",
            "amount_awarded",
            "award_date",
            "recipient_name",
            "recipient_org_id",
            "recipient_charity_number",
            "recipient_company_number",
            "programme",
            "beneficiary_geo",
            "source",
            "from_open_call",
            "reference",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def validate_amount_awarded(self, value):
        if value < 0:
            raise serializers.ValidationError("must not be negative")
        return value


class ExternalGrantSerializer(serializers.ModelSerializer):
    class Meta:
        from ..models import ExternalGrant

        model = ExternalGrant
        fields = [
            "grant_id",
            "title",
            "funder_id",
            "funder_name",
            "recipient_name",
            "amount_awarded",
            "currency",
            "award_date",
            "geo_codes",
        ]


class FunderSerializer(serializers.Serializer):
    funder_id = serializers.CharField()
    funder_name = serializers.CharField()
    grants = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=18, decimal_places=2)
    latest = serializers.DateField()


class GrantsImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A 360Giving JSON package")


class GrantsImportResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    publisher = serializers.CharField()
    grants = serializers.IntegerField()
