"""Writes to the platform-wide register (platform staff only: console, platform API, command)."""

from dataclasses import dataclass

from django.db import transaction

from .callfile import parse_calls
from .models import PlatformCall

CALL_FIELDS = (
    "reference",
    "funder",
    "programme",
    "description",
    "amount_min",
    "amount_max",
    "opens_on",
    "closes_on",
    "eligibility",
    "applicant_types",
    "themes",
    "geography",
    "url",
)


@dataclass
class ImportResult:
    created: int
    updated: int
    ids: list[str]


def upsert_calls(model, calls: list[dict], **extra) -> ImportResult:
    """Save cleaned calls into ``model`` (a concrete ``CallFields``): a call whose reference is
    already there is updated, others are created. Runs in the caller's transaction."""
    created = updated = 0
    ids = []
    refs = [c["reference"] for c in calls if c["reference"]]
    existing = {
        c.reference: c for c in model.objects.select_for_update().filter(reference__in=refs)
    }
    for values in calls:
        call = existing.get(values["reference"]) if values["reference"] else None
        if call is None:
            call = model(**values, **extra)
            created += 1
        else:
            for name, value in values.items():
                setattr(call, name, value)
            updated += 1
        call.full_clean()
        call.save()
        ids.append(str(call.pk))
    return ImportResult(created=created, updated=updated, ids=ids)


def import_platform_calls(
    content: bytes | str, *, filename: str = "", fmt: str = ""
) -> ImportResult:
    """Validate the whole file (``CallFileError`` with every problem), then save every call."""
    calls = parse_calls(content, filename=filename, fmt=fmt)
    with transaction.atomic():
        return upsert_calls(PlatformCall, calls)


def save_platform_call(call: PlatformCall | None = None, **values) -> PlatformCall:
    call = call or PlatformCall()
    for name, value in values.items():
        if name not in CALL_FIELDS:
            raise TypeError(f"unknown call field {name!r}")
        setattr(call, name, value)
    call.full_clean()
    with transaction.atomic():
        call.save()
    return call


def delete_platform_call(call: PlatformCall) -> None:
    call.delete()
