"""What every records action shares: refusals that leave an audit entry, the actor's name, the
final statuses and the search vector."""

from django.contrib.postgres.search import SearchVector

from platform_core.audit.log import append_durable
from platform_core.errors import Refused

from ..models import Record

__all__ = ["FINAL", "Refused", "actor_name", "is_held", "refresh_search", "refuse"]

FINAL = (Record.Status.DESTROYED, Record.Status.TRANSFERRED)


def refuse(actor, action: str, obj, reason: str):
    """Audit the refused attempt, then refuse. The entry stays even when the caller's
    transaction rolls back (it is written on a connection of its own: see
    ``platform_core.audit.log.append_durable``)."""
    append_durable(f"{action}.refused", obj, actor=actor, detail={"reason": reason})
    raise Refused(reason)


def actor_name(actor) -> str:
    if actor is None:
        return ""
    return actor if isinstance(actor, str) else actor.get_username()


def is_held(record: Record) -> bool:
    return record.holds.filter(released_at__isnull=True).exists()


def refresh_search(record_id: int) -> None:
    """Recompute the record's PostgreSQL search vector from its current row; a destroyed record
    has none (it leaves the index). Idempotent; run from the records' event handlers after the
    commit of the change (declare, version, change or re-class, destroy), never inline."""
    records = Record.objects.filter(pk=record_id)
    records.filter(status=Record.Status.DESTROYED).update(search_vector=None)
    records.exclude(status=Record.Status.DESTROYED).update(
        search_vector=SearchVector("title", weight="A", config="english")
        + SearchVector("description", weight="B", config="english")
        + SearchVector("extracted_text", weight="C", config="english")
    )
