"""The one shape of a funding call in every API (platform register and a council's own)."""

import re

from rest_framework import serializers

from ..actions import CALL_FIELDS
from ..callfile import clean_call

CALL_API_FIELDS = ["id", *CALL_FIELDS, "created_at", "updated_at"]
_WHERE = re.compile(r"^(?P<field>\w+)(\[\d+\])?: (?P<message>.*)$")


class CallSerializerMixin:
    """Checks a call as the file import does (GSS codes, amounts in order, dates in order,
    http(s) links), naming the field of each problem."""

    def validate(self, attrs):
        instance = getattr(self, "instance", None)
        merged = {
            name: attrs.get(name, getattr(instance, name, None) if instance else None)
            for name in CALL_API_FIELDS
            if name not in ("id", "created_at", "updated_at")
        }
        raw = {
            k: (str(v) if k.startswith("amount") and v is not None else v)
            for k, v in merged.items()
        }
        values, problems = clean_call(raw, "", "", from_csv=False)
        if problems:
            errors: dict[str, list[str]] = {}
            for problem in problems:
                match = _WHERE.match(problem)
                field, message = (
                    (match["field"], match["message"]) if match else ("non_field_errors", problem)
                )
                errors.setdefault(field, []).append(message)
            raise serializers.ValidationError(errors)
        return {name: values[name] for name in attrs if name in values} | {
            k: v for k, v in attrs.items() if k not in values
        }


class PlatformCallSerializer(CallSerializerMixin, serializers.ModelSerializer):
    scope = serializers.SerializerMethodField()

    class Meta:
        from ..models import PlatformCall

        model = PlatformCall
        fields = [*CALL_API_FIELDS, "scope"]
        read_only_fields = ["id", "created_at", "updated_at"]

    def get_scope(self, obj) -> str:
        return "platform"


class CallImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A CSV or JSON file of calls (see docs/funding.md)")
    format = serializers.ChoiceField(choices=["csv", "json"], required=False)


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.CharField())
