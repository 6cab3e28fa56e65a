"""Serializer fields with the platform's input bounds.

- ``BoundedDateField``: a calendar date between 1000-01-01 and 2200-12-31. Every ModelSerializer
  maps a model DateField to it (``install_bounds``, from platform_core's AppConfig.ready), so a
  ``decision_date`` of 9999-06-01 is a 400, not an overflow when retention adds years to it.
- ``PrimaryKeyRelatedField(many=True)`` that refuses more than ``max_items`` ids before it looks
  any up (5,000 ids in one hold request used to be 5,000 queries).
- ``install_strict_types``: JSON values of the wrong type are refused, never coerced (amounts,
  DecimalFields, are decimal strings as the documents say).
"""

import re
from collections.abc import Mapping
from datetime import date

from django.db import models
from django.http import QueryDict
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.relations import MANY_RELATION_KWARGS, ManyRelatedField
from rest_framework.utils import html

# Old enough for historic records (deeds, minute books); late enough to rule out year 1.
MIN_DATE = date(1000, 1, 1)
MAX_DATE = date(2200, 12, 31)
MAX_IDS = 1000


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


class BoundedDateField(serializers.DateField):
    def to_internal_value(self, value):
        # YYYY-MM-DD only (the documents' "format: date"): Python's fromisoformat also takes
        # "20000101" and ISO week dates such as "2000-W01-1".
        if isinstance(value, str) and not _ISO_DATE.match(value):
            raise serializers.ValidationError("Enter a date as YYYY-MM-DD.", code="invalid")
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

    def get_value(self, dictionary):
        # DRF reads a list missing from a form body as [] (a form cannot send an empty list),
        # so a required list could be left out: missing is missing.
        if html.is_html_input(dictionary) and self.field_name not in dictionary:
            return empty
        return super().get_value(dictionary)

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


# --- JSON types are checked, not coerced ---------------------------------------------------------
#
# DRF coerces: a JSON 42 is accepted as the string "42", "7" and 7.0 as the integer 7, "yes" or 1
# as true, {"1": ...} as a list of ids. The OpenAPI documents promise types, so a JSON body that
# breaks them is a 400 naming the field. HTML form and multipart bodies carry only strings
# (uploads, the browsable forms): there an integer must still be plain ASCII digits.

_ASCII_INT = re.compile(r"-?[0-9]+\Z")


def _from_form(field) -> bool:
    """Whether the value came from a form or multipart body (a QueryDict), not JSON."""
    try:
        root = field.root
    except AttributeError:  # pragma: no cover - an unbound field
        return False
    return isinstance(getattr(root, "initial_data", None), QueryDict)


def _wrap(cls, check) -> None:
    original = cls.to_internal_value
    if getattr(original, "_strict", False):
        return

    def to_internal_value(self, data):
        check(self, data)
        return original(self, data)

    to_internal_value._strict = True  # type: ignore[attr-defined]
    cls.to_internal_value = to_internal_value


def _integer(field, data):
    if isinstance(data, bool) or not (
        isinstance(data, int) or (isinstance(data, str) and _from_form(field))
    ):
        raise serializers.ValidationError("A whole number is required.", code="invalid")
    if isinstance(data, str) and not _ASCII_INT.match(data):
        raise serializers.ValidationError("A whole number is required.", code="invalid")


def _number(field, data):
    if isinstance(data, bool) or not (
        isinstance(data, int | float) or (isinstance(data, str) and _from_form(field))
    ):
        raise serializers.ValidationError("A number is required.", code="invalid")


def _string(field, data):
    if not isinstance(data, str):
        raise serializers.ValidationError("A string is required.", code="invalid")
    # The documents' maxLength is on the string as sent: DRF trims surrounding whitespace before
    # its own length check, so "\r" + 200 characters passed a 200-character limit.
    max_length = getattr(field, "max_length", None)
    if max_length is not None and len(data) > max_length:
        raise serializers.ValidationError(
            f"Ensure this field has no more than {max_length} characters.", code="max_length"
        )


def _decimal(field, data):
    # The documents give amounts as decimal strings ("2500.00", as they are returned): a JSON
    # number would pass through a float on the client's side first.
    if getattr(field, "coerce_to_string", None) is False and isinstance(data, int | float):
        return _number(field, data)  # documented as a number
    if not isinstance(data, str):
        raise serializers.ValidationError(
            'An amount is required as a string of digits, e.g. "2500.00".', code="invalid"
        )


def _boolean(field, data):
    if not isinstance(data, bool) and not (isinstance(data, str) and _from_form(field)):
        raise serializers.ValidationError("Must be true or false.", code="invalid")


def _primary_key(field, data):
    if field.pk_field is not None:
        return
    pk = field.get_queryset().model._meta.pk
    if pk.get_internal_type() in {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "PositiveIntegerField",
    }:
        _integer(field, data)
    elif not isinstance(data, str):
        raise serializers.ValidationError("An id string is required.", code="invalid")


def _slug(field, data):
    # A SlugRelatedField names its object by a string (a metric_id): 0 is not "0".
    if not isinstance(data, str):
        raise serializers.ValidationError("A string is required.", code="invalid")


def _list(field, data):
    if isinstance(data, Mapping):
        raise serializers.ValidationError("A list is required.", code="not_a_list")


def install_strict_types() -> None:
    """Every serializer field checks JSON types instead of coercing them (called once at
    start-up, beside ``install_bounds``)."""
    _wrap(serializers.CharField, _string)
    _wrap(serializers.IntegerField, _integer)
    _wrap(serializers.FloatField, _number)
    _wrap(serializers.DecimalField, _decimal)
    _wrap(serializers.BooleanField, _boolean)
    _wrap(serializers.PrimaryKeyRelatedField, _primary_key)
    _wrap(serializers.SlugRelatedField, _slug)
    _wrap(ManyRelatedField, _list)
