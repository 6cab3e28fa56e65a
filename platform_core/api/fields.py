"""Serializer fields with the platform's input bounds.

- ``BoundedDateField``: a calendar date between 1000-01-01 and 2200-12-31. Every ModelSerializer
  maps a model DateField to it (``install_bounds``, from platform_core's AppConfig.ready), so a
  ``decision_date`` of 9999-06-01 is a 400, not an overflow when retention adds years to it.
- ``PrimaryKeyRelatedField(many=True)`` that refuses more than ``max_items`` ids before it looks
  any up (5,000 ids in one hold request used to be 5,000 queries).
"""

from datetime import date

from django.db import models
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS, ManyRelatedField

# Old enough for historic records (deeds, minute books); late enough to rule out year 1.
MIN_DATE = date(1000, 1, 1)
MAX_DATE = date(2200, 12, 31)
MAX_IDS = 1000


class BoundedDateField(serializers.DateField):
    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not MIN_DATE <= day <= MAX_DATE:
            raise serializers.ValidationError(
                f"Enter a date between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}."
            )
        return day


class BoundedManyRelatedField(ManyRelatedField):
    def __init__(self, *args, max_items: int = MAX_IDS, **kwargs):
        self.max_items = max_items
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, list | tuple) and len(data) > self.max_items:
            raise serializers.ValidationError(
                f"Give at most {self.max_items} ids in one request ({len(data)} given)."
            )
        return super().to_internal_value(data)


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """DRF's, but ``many=True`` is bounded (``max_items``, default 1000)."""

    @classmethod
    def many_init(cls, *args, **kwargs):
        max_items = kwargs.pop("max_items", MAX_IDS)
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        for key in kwargs:
            if key in MANY_RELATION_KWARGS:
                list_kwargs[key] = kwargs[key]
        return BoundedManyRelatedField(max_items=max_items, **list_kwargs)


def install_bounds() -> None:
    """Every ModelSerializer's date fields are bounded (called once at start-up)."""
    serializers.ModelSerializer.serializer_field_mapping[models.DateField] = BoundedDateField
