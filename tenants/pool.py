"""The warm pool: copies of the template schema made ahead of time, so that a new council is a
rename plus its personalisation.

``refill_pool()`` keeps ``TENANT_WARM_POOL_SIZE`` unassigned schemas (``pool_<hex>``), each a
copy of the template (tenants/cloning.py) recorded in ``tenants_pooledschema`` with the
template's *state* (``schema_state``: the set of applied migrations and the template contents'
version). Provisioning (``take_into``) locks the oldest entry whose state is the template's
current one (``FOR UPDATE SKIP LOCKED``, so two provisionings never take the same schema),
renames it to the council's schema and deletes the entry, inside the provisioning transaction: if
anything later fails, the rename and the delete roll back and the schema is back in the pool.

Entries whose state is no longer the template's (migrations ran on the template alone) are never
taken; the next refill drops them and makes fresh copies. ``make migrate`` (tenants.fleet)
migrates the pool's schemas with the councils, so a deploy does not empty the pool.

A pooled schema is only ever a copy of the template (never of a council) and is never reachable
from a host (it has no Domain row), so it holds no council's data.
"""

from __future__ import annotations

import hashlib
import secrets

import structlog
from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import schema_exists

from . import cloning
from .models import PooledSchema
from .template import template_schema

log = structlog.get_logger(__name__)

POOL_PREFIX = "pool_"
# Held while refilling, so two refills (a task after each provisioning, beat, a deploy) do not
# both fill the pool past its size.
_REFILL_LOCK = 0x7E1A_0001


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def pool_size() -> int:
    return max(0, int(getattr(settings, "TENANT_WARM_POOL_SIZE", 0)))


def schema_state(schema: str) -> str:
    """What a schema was made from: a digest of its applied migrations and the template contents'
    version. Equal for the template and every unmodified copy of it, whatever the migration ids."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(string_agg(app || '.' || name, ',' ORDER BY app, name), '') "  # noqa: S608
            f"FROM {_q(schema)}.django_migrations"
        )
        migrations = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT coalesce(max(version), 0) FROM {_q(schema)}.platform_template_version"  # noqa: S608
        )
        version = cursor.fetchone()[0]
    return hashlib.sha256(f"{version}|{migrations}".encode()).hexdigest()[:32]


def template_state() -> str:
    return schema_state(template_schema())


def take_into(new_schema: str) -> str | None:
    """Rename a ready pooled schema to ``new_schema``; return the pooled name, or None when the
    pool has no schema of the template's current state. Must run inside the caller's transaction
    (the rename and the entry's deletion are undone with it)."""
    if not connection.in_atomic_block:
        raise RuntimeError("take_into must run inside the provisioning transaction")
    if not pool_size():
        return None
    template = template_schema()
    if template not in _TEMPLATES_SEEN:
        # The platform never drops the template (build_template only adds to it): once seen,
        # this process does not ask again.
        if not schema_exists(template):
            return None
        _TEMPLATES_SEEN.add(template)
    with connection.cursor() as cursor:
        # One statement: the template's state (``schema_state``, computed by PostgreSQL), the
        # oldest entry of that state locked and deleted. Three round trips in every provisioning
        # request instead of six.
        cursor.execute(_TAKE_SQL.format(template=_q(template)))
        row = cursor.fetchone()
        if row is None:
            return None
        (pooled,) = row
        cursor.execute(f"ALTER SCHEMA {_q(pooled)} RENAME TO {_q(new_schema)}")
    return pooled


_TEMPLATES_SEEN: set[str] = set()

# ``schema_state`` in SQL (the same text hashed the same way; a test compares the two).
_STATE_SQL = (
    "left(encode(sha256(convert_to("
    "(SELECT coalesce(max(version), 0) FROM {template}.platform_template_version)::text || '|' || "
    "(SELECT coalesce(string_agg(app || '.' || name, ',' ORDER BY app, name), '') "
    "FROM {template}.django_migrations), 'UTF8')), 'hex'), 32)"
)
# (The template's name is quoted by _q where it is filled in.)
_TAKE_SQL = (
    "WITH picked AS (SELECT id FROM tenants_pooledschema WHERE state = "  # noqa: S608
    + _STATE_SQL
    + " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) "
    "DELETE FROM tenants_pooledschema p USING picked WHERE p.id = picked.id "
    "RETURNING p.schema_name"
)


def template_state_in_sql() -> str:
    """``template_state()`` as ``take_into`` computes it (for the test that they agree)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + _STATE_SQL.format(template=_q(template_schema())))
        return cursor.fetchone()[0]


def refill_pool(size: int | None = None) -> dict:
    """Drop entries made from an older template, then add copies until the pool holds ``size``
    (default ``TENANT_WARM_POOL_SIZE``). One copy per transaction, so a failure keeps what was
    made. Returns counts; does nothing when another refill is running or there is no template."""
    size = pool_size() if size is None else size
    made = dropped = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_REFILL_LOCK])
        if not cursor.fetchone()[0]:
            return {"made": 0, "dropped": 0, "skipped": "another refill is running"}
    try:
        if not schema_exists(template_schema()):
            return {"made": 0, "dropped": 0, "skipped": "no template schema"}
        state = template_state()
        for entry in PooledSchema.objects.exclude(state=state).order_by("id"):
            dropped += _drop(entry)
        # Schemas named like the pool's with no entry (a crash between the copy and the insert
        # cannot happen, both are one transaction; but a restore of old backups could) go too.
        for orphan in _orphan_schemas():
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {_q(orphan)} CASCADE")
            dropped += 1
        surplus = PooledSchema.objects.filter(state=state).count() - size
        for entry in PooledSchema.objects.filter(state=state).order_by("-id")[: max(0, surplus)]:
            dropped += _drop(entry)
        while PooledSchema.objects.filter(state=state).count() < size:
            with transaction.atomic():
                name = POOL_PREFIX + secrets.token_hex(6)
                cloning.clone_schema(template_schema(), name)
                PooledSchema.objects.create(schema_name=name, state=state)
            made += 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_REFILL_LOCK])
    if made or dropped:
        log.info("pool.refilled", made=made, dropped=dropped, size=size)
    return {"made": made, "dropped": dropped}


def _drop(entry: PooledSchema) -> int:
    with transaction.atomic():
        locked = (
            PooledSchema.objects.select_for_update(skip_locked=True).filter(pk=entry.pk).first()
        )
        if locked is None:
            return 0  # being taken right now
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {_q(locked.schema_name)} CASCADE")
        locked.delete()
    return 1


def _orphan_schemas() -> list[str]:
    known = set(PooledSchema.objects.values_list("schema_name", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", [POOL_PREFIX + "%"]
        )
        return [name for (name,) in cursor.fetchall() if name not in known]


def pooled_schemas() -> list[str]:
    return list(PooledSchema.objects.order_by("id").values_list("schema_name", flat=True))


def prepare_pooled(schema: str) -> None:
    """After the fleet migrated a pooled schema (``migrate_platform``): give it the template's
    contents steps, as the template got them, and record its new state. A copy whose state still
    differs from the template's is dropped by the next refill."""
    from django_tenants.utils import schema_context

    from .template import prepare_template_contents

    with transaction.atomic():
        with schema_context(schema):
            prepare_template_contents()
        PooledSchema.objects.filter(schema_name=schema).update(state=schema_state(schema))


def schedule_refill() -> None:
    """After a provisioning commits: ask a worker to top the pool up (TENANT_WARM_POOL_AUTO_REFILL
    off: leave it to beat or the caller, as the benchmark does)."""
    if not pool_size() or not getattr(settings, "TENANT_WARM_POOL_AUTO_REFILL", True):
        return
    from platform_core.tasks import enqueue_on_commit

    from .tasks import refill_warm_pool

    # Beat refills the pool every 10 minutes too: an enqueue lost to a broker outage is redone.
    enqueue_on_commit(refill_warm_pool)
