from rest_framework import serializers

from ..actions import COMMISSIONER_FIELDS
from ..models import Budget, Commissioner, Commitment, LedgerEntry, LedgerTransaction

AMOUNT = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True}


class CommissionerSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()

    class Meta:
        model = Commissioner
        fields = ["id", *COMMISSIONER_FIELDS, "members", "created_at"]
        read_only_fields = ["created_at"]

    def get_members(self, commissioner) -> list[dict]:
        return [
            {"username": m.user.get_username(), "role": m.role} for m in commissioner.members.all()
        ]


class BudgetSerializer(serializers.ModelSerializer):
    commissioner = serializers.PrimaryKeyRelatedField(queryset=Commissioner.objects.all())
    commissioner_name = serializers.CharField(source="commissioner.name", read_only=True)
    allocated = serializers.DecimalField(**AMOUNT, read_only=True)
    available = serializers.DecimalField(**AMOUNT, read_only=True)
    committed = serializers.DecimalField(**AMOUNT, read_only=True)
    spent = serializers.DecimalField(**AMOUNT, read_only=True)

    class Meta:
        model = Budget
        fields = [
            "id",
            "commissioner",
            "commissioner_name",
            "name",
            "financial_year",
            "purpose",
            "allocated",
            "available",
            "committed",
            "spent",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        validators: list = []  # uniqueness is checked by the action (full_clean)


class CommitmentSerializer(serializers.ModelSerializer):
    outstanding = serializers.DecimalField(**AMOUNT, read_only=True)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "budget",
            "amount",
            "spent",
            "released",
            "outstanding",
            "description",
            "reference",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class EntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["account", "amount"]


class TransactionSerializer(serializers.ModelSerializer):
    entries = EntrySerializer(many=True, read_only=True)

    class Meta:
        model = LedgerTransaction
        fields = ["id", "kind", "amount", "commitment", "memo", "actor", "created_at", "entries"]
        read_only_fields = fields


class AllocateSerializer(serializers.Serializer):
    amount = serializers.CharField(max_length=40, help_text="Pounds, e.g. 2500.00")
    memo = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CommitSerializer(serializers.Serializer):
    amount = serializers.CharField(max_length=40, help_text="Pounds, e.g. 750.00")
    description = serializers.CharField(max_length=300)
    reference = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SpendSerializer(serializers.Serializer):
    amount = serializers.CharField(max_length=40)
    memo = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReleaseSerializer(serializers.Serializer):
    amount = serializers.CharField(
        max_length=40, required=False, help_text="Default: all that is outstanding."
    )
    memo = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
