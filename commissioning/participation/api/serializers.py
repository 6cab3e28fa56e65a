from rest_framework import serializers

from ..models import Process, Proposal


class ProcessSerializer(serializers.ModelSerializer):
    postcodes = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, max_length=5000
    )

    class Meta:
        model = Process
        fields = [
            "id",
            "title",
            "slug",
            "summary",
            "ward_code",
            "ward_name",
            "budget",
            "ledger_budget_id",
            "postcodes",
            "method",
            "min_choices",
            "max_choices",
            "proposals_open",
            "proposals_close",
            "voting_open",
            "voting_close",
            "counted_at",
            "results_published_at",
            "awarded_at",
        ]
        read_only_fields = ["id", "counted_at", "results_published_at", "awarded_at"]

    def validate(self, attrs):
        merged = {
            f: attrs.get(f, getattr(self.instance, f, None))
            for f in ("proposals_open", "proposals_close", "voting_open", "voting_close")
        }
        if None not in merged.values():
            if (
                not merged["proposals_open"]
                < merged["proposals_close"]
                <= merged["voting_open"]
                < merged["voting_close"]
            ):
                raise serializers.ValidationError(
                    {
                        "voting_open": [
                            "the stages must follow each other: proposals open < proposals close <= voting opens < voting closes"
                        ]
                    }
                )
        budget = attrs.get("budget")
        if budget is not None and budget <= 0:
            raise serializers.ValidationError({"budget": ["must be more than 0"]})
        return attrs


class ProposalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Proposal
        fields = [
            "id",
            "process",
            "title",
            "summary",
            "estimated_cost",
            "recipient_name",
            "proposer_name",
            "proposer_email",
            "proposer_postcode",
            "status",
            "cost",
            "feasibility_note",
            "votes",
            "won",
            "grant_id",
            "commitment_id",
            "created_at",
        ]
        read_only_fields = fields


class CheckSerializer(serializers.Serializer):
    feasible = serializers.BooleanField()
    cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PaperBallotSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    date_of_birth = serializers.DateField()
    postcode = serializers.CharField(max_length=10)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    choices = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=500)


class ReceiptSerializer(serializers.Serializer):
    ballot = serializers.IntegerField()
    channel = serializers.CharField()
    eligibility = serializers.CharField()


class ResultRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    cost = serializers.DecimalField(max_digits=12, decimal_places=2)
    votes = serializers.IntegerField()
    won = serializers.BooleanField()


class ResultsSerializer(serializers.Serializer):
    ballots = serializers.IntegerField()
    paper_ballots = serializers.IntegerField()
    budget = serializers.DecimalField(max_digits=12, decimal_places=2)
    spent = serializers.DecimalField(max_digits=12, decimal_places=2)
    counted_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    projects = ResultRowSerializer(many=True)
