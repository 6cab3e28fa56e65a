"""Reads of the platform-wide register, and the shape and file format of a call, for the
council's funding app (commissioning.funding) and the platform's own screens."""

import uuid

from django.db.models import QuerySet

from .callfile import COLUMNS, CallFileError, clean_call, parse_calls
from .models import CallFields, PlatformCall

__all__ = [
    "COLUMNS",
    "CallFields",
    "CallFileError",
    "clean_call",
    "parse_calls",
    "platform_call",
    "platform_calls",
]


def platform_calls() -> QuerySet[PlatformCall]:
    """Every call in the platform-wide register (public schema; visible from any council)."""
    return PlatformCall.objects.all()


def platform_call(call_id) -> PlatformCall | None:
    try:
        call_id = uuid.UUID(str(call_id))
    except ValueError:
        return None
    return PlatformCall.objects.filter(pk=call_id).first()
