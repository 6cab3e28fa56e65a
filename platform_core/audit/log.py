"""Append to and verify the council's hash-chained audit log.

Writes are serialised per council by a transaction-scoped advisory lock, so two writers never
chain to the same predecessor. ``append`` runs inside the caller's transaction (an operation that
rolls back leaves no entry); ``append_durable`` writes an entry that stays even when the caller's
transaction rolls back (refused attempts), on a connection of its own.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone

from platform_core.db import connection

from .models import AuditEntry, PendingAuditEntry

GENESIS = "0" * 64
log = structlog.get_logger(__name__)

_ENTRIES = AuditEntry._meta.db_table
_PENDING = PendingAuditEntry._meta.db_table
_ITEM_FIELDS = ("created_at", "actor", "action", "object_type", "object_id", "detail")


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


def _item(action, obj, *, actor, object_type, object_id, detail) -> dict:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return {
        "created_at": timezone.now(),
        "actor": _actor_name(actor)[:254],
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "detail": json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder)),
    }


def _lock_name(schema: str) -> str:
    return f"audit:{schema}"


def _lock(cursor, schema: str) -> None:
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_lock_name(schema)])


def _holds_lock(cursor, schema: str) -> bool:
    """Whether this connection's open transaction holds the council's audit lock (it has
    appended and not yet committed). A one-argument (bigint) advisory lock shows in pg_locks
    as classid = high 32 bits, objid = low 32 bits, objsubid = 1."""
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_locks l, (SELECT hashtext(%s)::bigint AS k) h"
        " WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.granted"
        " AND l.objsubid = 1 AND l.classid::bigint = ((h.k >> 32) & 4294967295)"
        " AND l.objid::bigint = (h.k & 4294967295))",
        [_lock_name(schema)],
    )
    return bool(cursor.fetchone()[0])


def _json_value(value):
    return json.loads(value) if isinstance(value, str | bytes) else value


def _chain_locked(cursor, items: list[dict]) -> list[AuditEntry]:
    """Chain every pending (durably written) entry, then ``items``, after the current head.
    The caller holds the council's audit lock in the cursor's transaction."""
    cursor.execute(
        f"SELECT id, {', '.join(_ITEM_FIELDS)} FROM {_PENDING} ORDER BY id"  # noqa: S608
    )
    pending = cursor.fetchall()
    queue = [
        dict(zip(_ITEM_FIELDS, row[1:], strict=True)) | {"detail": _json_value(row[6])}
        for row in pending
    ] + list(items)
    cursor.execute(f"SELECT seq, hash FROM {_ENTRIES} ORDER BY seq DESC LIMIT 1")  # noqa: S608
    head = cursor.fetchone()
    seq, prev = (head[0], head[1]) if head else (0, GENESIS)
    written = []
    for item in queue:
        seq += 1
        entry = AuditEntry(
            seq=seq,
            prev_hash=prev,
            **(item | {"created_at": item["created_at"].astimezone(datetime.UTC)}),
        )
        entry.hash = entry_hash(entry)
        cursor.execute(
            f"INSERT INTO {_ENTRIES} (seq, created_at, actor, action, object_type, object_id,"  # noqa: S608
            " detail, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s)"
            " RETURNING id",
            [
                entry.seq,
                entry.created_at,
                entry.actor,
                entry.action,
                entry.object_type,
                entry.object_id,
                json.dumps(entry.detail),
                entry.prev_hash,
                entry.hash,
            ],
        )
        entry.pk = cursor.fetchone()[0]
        entry._state.adding = False
        entry._state.db = DEFAULT_DB_ALIAS
        prev = entry.hash
        written.append(entry)
    if pending:
        cursor.execute(
            f"DELETE FROM {_PENDING} WHERE id = ANY(%s)",  # noqa: S608
            [[row[0] for row in pending]],
        )
    return written


def append(action: str, obj=None, *, actor=None, object_type: str = "", object_id="", detail=None):
    """Write one entry in the current schema, chained to the previous one.

    Runs inside the caller's transaction: an operation that rolls back leaves no audit entry
    behind. Entries written durably (``append_durable``) and not yet chained join the chain
    first, in the order they were written.
    """
    item = _item(
        action, obj, actor=actor, object_type=object_type, object_id=object_id, detail=detail
    )
    # No savepoint: an entry is only ever written with the operation it belongs to.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        _lock(cursor, connection.schema_name)
        return _chain_locked(cursor, [item])[-1]


def append_durable(
    action: str, obj=None, *, actor=None, object_type: str = "", object_id="", detail=None
) -> None:
    """Write one entry that stays even if the caller's transaction rolls back (a refused attempt
    inside an operation that then fails).

    Outside a transaction this is ``append`` (its own transaction, committed at once). Inside
    one, the entry is written and committed on a separate connection (an autonomous
    transaction) to the council's pending-entries table, then chained there at once if the audit
    lock is free within a few seconds. If the caller's own transaction holds the lock (it has
    appended and not committed), the entry stays pending (committed, so it survives) and joins
    the chain at the council's next append, checkpoint or ``flush_pending``. Set
    AUDIT_AUTONOMOUS_WRITES = False to write in the caller's transaction instead (the test
    suite does, where every test runs inside one rolled-back transaction).
    """
    item = _item(
        action, obj, actor=actor, object_type=object_type, object_id=object_id, detail=detail
    )
    if not connection.in_atomic_block or not getattr(settings, "AUDIT_AUTONOMOUS_WRITES", True):
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            _lock(cursor, connection.schema_name)
            _chain_locked(cursor, [item])
        return
    schema = connection.schema_name
    with connection.cursor() as cursor:
        own_lock = _holds_lock(cursor, schema)
    other: Any = connections.create_connection(DEFAULT_DB_ALIAS)  # django-tenants' wrapper
    try:
        other.set_schema(schema)
        with other.cursor() as cursor:  # autocommit: committed when the statement ends
            cursor.execute(
                f"INSERT INTO {_PENDING} ({', '.join(_ITEM_FIELDS)})"  # noqa: S608
                " VALUES (%s, %s, %s, %s, %s, %s::jsonb)",
                [*(item[f] for f in _ITEM_FIELDS[:-1]), json.dumps(item["detail"])],
            )
        if own_lock:
            return
        other.set_autocommit(False)
        try:
            with other.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")
                _lock(cursor, schema)
                _chain_locked(cursor, [])
            other.commit()
        except DatabaseError as exc:  # the lock stayed busy: the entry waits, committed
            other.rollback()
            log.warning("audit.pending_not_chained", schema=schema, error=str(exc))
    finally:
        other.close()


def flush_pending() -> int:
    """Chain the council's pending entries now; returns how many joined the chain."""
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        _lock(cursor, connection.schema_name)
        return len(_chain_locked(cursor, []))


@dataclass
class ChainReport:
    """What a verification found. ``problem`` names the kind of damage, one of: "gap" (an entry
    missing in the middle), "tampered" (an entry whose content or link does not match),
    "truncation" (the newest entries deleted: the chain ends before a signed checkpoint),
    "rewrite" (the chain verifies by itself but not against a signed checkpoint),
    "signature" (a checkpoint whose signature does not verify), "checkpoint_deleted"
    (a checkpoint in S3 missing from the database). ``head_seq``/``head_hash`` are the last
    entry verified; ``anchor_seq`` the checkpoint the chain was checked against."""

    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""
    problem: str = ""
    head_seq: int = 0
    head_hash: str = GENESIS
    anchor_seq: int | None = None
    anchored_at: datetime.datetime | None = None
    incremental: bool = False


def verify_chain(
    chunk_size: int = 2000, *, after_seq: int = 0, after_hash: str = GENESIS
) -> ChainReport:
    """Walk the current council's chain (from genesis, or from entry ``after_seq`` whose hash is
    ``after_hash``); report the first entry that does not verify."""
    expected_prev, expected_seq, checked = after_hash, after_seq + 1, 0
    entries = AuditEntry.objects.filter(seq__gt=after_seq).order_by("seq")
    for entry in entries.iterator(chunk_size=chunk_size):
        if entry.seq != expected_seq:
            return ChainReport(
                False,
                checked,
                expected_seq,
                "entry missing from the chain",
                "gap",
                expected_seq - 1,
                expected_prev,
            )
        if entry.prev_hash != expected_prev:
            return ChainReport(
                False,
                checked,
                entry.seq,
                "previous-hash link does not match",
                "tampered",
                expected_seq - 1,
                expected_prev,
            )
        if entry_hash(entry) != entry.hash:
            return ChainReport(
                False,
                checked,
                entry.seq,
                "content does not match its hash",
                "tampered",
                expected_seq - 1,
                expected_prev,
            )
        expected_prev, expected_seq = entry.hash, expected_seq + 1
        checked += 1
    return ChainReport(True, checked, head_seq=expected_seq - 1, head_hash=expected_prev)


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
