"""Append to and verify the council's hash-chained audit log."""

import hashlib
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEntry

GENESIS = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:
    payload = {
        "seq": entry.seq,
        "created_at": entry.created_at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder
    ).encode()


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _actor_name(actor) -> str:
    if actor is None:
        return ""
    if isinstance(actor, str):
        return actor
    return actor.get_username() if getattr(actor, "is_authenticated", False) else "anonymous"


def append(action: str, obj=None, *, actor=None, object_type: str = "", object_id="", detail=None):
    """Write one entry in the current schema, chained to the previous one.

    Appends are serialised per council with a transaction-scoped advisory lock, so two
    concurrent writers never chain to the same predecessor. Runs inside the caller's
    transaction: an operation that rolls back leaves no audit entry behind.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    detail = json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder))
    # No savepoint: an entry is only ever written with the operation it belongs to.
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"audit:{connection.schema_name}"]
            )
        last = AuditEntry.objects.order_by("-seq").only("seq", "hash").first()
        entry = AuditEntry(
            seq=(last.seq + 1) if last else 1,
            created_at=timezone.now(),
            actor=_actor_name(actor)[:254],
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            detail=detail,
            prev_hash=last.hash if last else GENESIS,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
    return entry


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def verify_chain(chunk_size: int = 2000) -> ChainReport:
    """Walk the current council's chain; report the first entry that does not verify."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, "entry missing from the chain")
        if entry.prev_hash != expected_prev:
            return ChainReport(False, checked, entry.seq, "previous-hash link does not match")
        if entry_hash(entry) != entry.hash:
            return ChainReport(False, checked, entry.seq, "content does not match its hash")
        expected_prev, expected_seq = entry.hash, expected_seq + 1
        checked += 1
    return ChainReport(True, checked)


def export_entries(object_type: str, object_id) -> list[dict]:
    """Every entry about one object, with the hashes needed to check it against the chain."""
    return [
        {
            "seq": e.seq,
            "created_at": e.created_at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "detail": e.detail,
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        }
        for e in AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id))
    ]
