from rest_framework import serializers

from platform_core.api.fields import BoundedDateField

from ..models import (
    Bid,
    Commission,
    Contract,
    Criterion,
    Kpi,
    Milestone,
    MonitoringReturn,
    Priority,
)

AMOUNT = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True, "read_only": True}


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "name", "weight"]


class KpiSerializer(serializers.ModelSerializer):
    class Meta:
        model = Kpi
        fields = ["id", "name", "target", "unit", "higher_is_better"]


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_date", "met_on"]


class ReturnSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitoringReturn
        fields = ["id", "period", "values", "amount_invoiced", "notes", "submitted_at"]


class ContractSerializer(serializers.ModelSerializer):
    kpis = KpiSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    returns = ReturnSerializer(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "organization",
            "value",
            "start_date",
            "end_date",
            "status",
            "kpis",
            "milestones",
            "returns",
        ]


class CommissionSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)
    bids_received = serializers.SerializerMethodField()
    awarded_to = serializers.SerializerMethodField()
    contract = serializers.SerializerMethodField()
    estimated_value = serializers.DecimalField(**AMOUNT)
    award_value = serializers.DecimalField(**AMOUNT, allow_null=True)  # null until the award

    class Meta:
        model = Commission
        fields = [
            "id",
            "ocid",
            "title",
            "need",
            "description",
            "commissioner",
            "budget",
            "priority",
            "area_code",
            "category",
            "estimated_value",
            "path",
            "stage",
            "published_at",
            "tender_deadline",
            "criteria",
            "bids_received",
            "awarded_to",
            "award_value",
            "awarded_at",
            "decision_id",
            "commitment_id",
            "contract",
            "outcome",
            "outcome_rating",
        ]
        read_only_fields = fields

    def get_bids_received(self, commission) -> int:
        return commission.bids.count()

    def get_awarded_to(self, commission) -> dict | None:
        bid = commission.awarded_bid
        if bid is None:
            return None
        return {"id": str(bid.organization_id), "name": bid.organization.name}

    def get_contract(self, commission) -> dict | None:
        contract = Contract.objects.filter(commission=commission).first()
        return ContractSerializer(contract).data if contract else None


class CommissionCreateSerializer(serializers.Serializer):
    commissioner = serializers.IntegerField()
    budget = serializers.IntegerField()
    title = serializers.CharField(max_length=300)
    need = serializers.CharField(max_length=5000)
    description = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    estimated_value = serializers.CharField(max_length=40)
    area_code = serializers.CharField(max_length=12, required=False, allow_blank=True)
    category = serializers.CharField(max_length=200, required=False, allow_blank=True)
    priority = serializers.IntegerField(required=False, allow_null=True)


class DirectCommissionSerializer(serializers.Serializer):
    commissioner = serializers.IntegerField()
    budget = serializers.IntegerField()
    organization = serializers.UUIDField(help_text="A directory organisation (ORUK id).")
    title = serializers.CharField(max_length=300)
    need = serializers.CharField(max_length=5000)
    price = serializers.CharField(max_length=40)
    months = serializers.IntegerField(min_value=1, max_value=120, default=12)


class CriteriaSerializer(serializers.Serializer):
    criteria = serializers.ListField(
        child=serializers.DictField(), max_length=20, help_text='[{"name", "weight"}]'
    )


class PublishSerializer(serializers.Serializer):
    deadline = serializers.DateTimeField()


class BidSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Bid
        fields = [
            "id",
            "organization",
            "organization_name",
            "price",
            "proposal",
            "submitted_by",
            "submitted_at",
        ]
        read_only_fields = fields


class BidSubmitSerializer(serializers.Serializer):
    organization = serializers.UUIDField()
    price = serializers.CharField(max_length=40)
    proposal = serializers.CharField(max_length=20000)


class EvaluatorSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    moderator = serializers.BooleanField(default=False)


class ScoreSerializer(serializers.Serializer):
    bid = serializers.IntegerField()
    criterion = serializers.IntegerField()
    score = serializers.IntegerField(help_text="0 to 10")
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AwardSerializer(serializers.Serializer):
    organization = serializers.UUIDField()
    reasons = serializers.CharField(max_length=5000)


class ContractStartSerializer(serializers.Serializer):
    start_date = BoundedDateField()
    end_date = BoundedDateField()
    kpis = serializers.ListField(child=serializers.DictField(), max_length=50, required=False)
    milestones = serializers.ListField(child=serializers.DictField(), max_length=50, required=False)


class ReturnSubmitSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=20)
    values = serializers.DictField(required=False, default=dict)
    amount_invoiced = serializers.CharField(max_length=40, required=False, default="0")
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=5000)
    rating = serializers.IntegerField(help_text="1 (not met) to 5 (fully met)")


class PrioritySerializer(serializers.ModelSerializer):
    # Lists of ids (JSON fields in the model): documented and checked as lists of strings, not
    # any JSON value.
    metric_ids = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        help_text="Warehouse metric ids that measure the need.",
    )
    area_codes = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        help_text="Wards or other areas.",
    )

    class Meta:
        model = Priority
        fields = [
            "id",
            "title",
            "outcome",
            "weight",
            "metric_ids",
            "area_codes",
            "set_by",
            "decision_id",
            "published",
            "updated_at",
        ]
        read_only_fields = ["decision_id", "updated_at"]
        extra_kwargs = {
            "weight": {"min_value": None, "max_value": None, "validators": []},
            "outcome": {"required": False},
            "set_by": {"required": False},
        }


class PriorityPreviewSerializer(serializers.Serializer):
    priority = serializers.IntegerField(required=False, allow_null=True)
    weight = serializers.IntegerField()
    metric_ids = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    period = serializers.CharField(max_length=20, required=False)
