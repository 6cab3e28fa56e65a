"""Legal holds: freeze records' content and disposal until released."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from platform_core.audit.log import append as audit

from ..models import LegalHold
from .common import Refused, actor_name


@transaction.atomic
def place_hold(actor, *, name: str, reason: str, authority: str, records=()) -> LegalHold:
    if not reason.strip() or not authority.strip():
        raise ValidationError({"reason": ["A legal hold needs a reason and an authority."]})
    hold = LegalHold.objects.create(
        name=name, reason=reason, authority=authority, placed_by=actor_name(actor)
    )
    hold.records.set(records)
    audit(
        "hold.placed",
        hold,
        actor=actor,
        detail={
            "name": name,
            "reason": reason,
            "authority": authority,
            "records": [r.pk for r in records],
        },
    )
    for record in records:
        audit("record.held", record, actor=actor, detail={"hold": hold.pk})
    return hold


@transaction.atomic
def add_to_hold(actor, hold: LegalHold, records) -> LegalHold:
    if not hold.active:
        raise Refused("The hold has been released.")
    hold.records.add(*records)
    for record in records:
        audit("record.held", record, actor=actor, detail={"hold": hold.pk})
    return hold


@transaction.atomic
def release_hold(actor, hold: LegalHold, reason: str) -> LegalHold:
    if not hold.active:
        raise Refused("The hold has already been released.")
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the hold is released."]})
    hold.released_at = timezone.now()
    hold.released_by = actor_name(actor)
    hold.release_reason = reason
    hold.save(update_fields=["released_at", "released_by", "release_reason"])
    audit("hold.released", hold, actor=actor, detail={"reason": reason})
    for record in hold.records.all():
        audit("record.hold_released", record, actor=actor, detail={"hold": hold.pk})
    return hold
