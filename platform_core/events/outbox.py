"""Writing events: one outbox row in the caller's transaction, and a wake-up for the relay
after the commit."""

import logging
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from platform_core.db import connection

from .models import OutboxEvent, OutboxEventBase
from .registry import event_type

log = logging.getLogger(__name__)

SPECVERSION = "1.0"
DATACONTENTTYPE = "application/json"

# The CloudEvents 1.0 envelope as this platform emits it (JSON format, data inline).
ENVELOPE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": [
        "specversion",
        "id",
        "source",
        "type",
        "subject",
        "time",
        "datacontenttype",
        "dataschema",
        "data",
        "council",
    ],
    "properties": {
        "specversion": {"const": SPECVERSION},
        "id": {"type": "string", "minLength": 1},
        "source": {"type": "string", "minLength": 1},
        "type": {"type": "string", "minLength": 1},
        "subject": {"type": "string", "minLength": 1},
        "time": {"type": "string", "format": "date-time"},
        "datacontenttype": {"const": DATACONTENTTYPE},
        "dataschema": {"type": "string", "minLength": 1},
        "data": {"type": "object"},
        "council": {"type": "string", "pattern": "^[a-z0-9_]+$"},
    },
}


PLATFORM_SOURCE = "/platform"
_SCHEMA_RE = re.compile(r"^[a-z0-9_]{1,63}$")


def source_for(schema: str) -> str:
    return f"/councils/{schema}"


def as_cloudevent(event: OutboxEventBase) -> dict:
    """The CloudEvents 1.0 JSON form of an outbox row (``council`` is an extension attribute:
    the emitting council, or for a platform event the council it is about)."""
    council = getattr(event, "council", None) or event.source.rsplit("/", 1)[-1]
    return {
        "specversion": SPECVERSION,
        "id": str(event.event_id),
        "source": event.source,
        "type": event.type,
        "subject": event.subject,
        "time": event.time.isoformat().replace("+00:00", "Z"),
        "datacontenttype": DATACONTENTTYPE,
        "dataschema": event_type(event.type).dataschema,
        "data": event.data,
        "council": council,
    }


def validate(cloudevent: dict) -> None:
    """Check an event against the envelope and its type's data schema (jsonschema.ValidationError)."""
    import jsonschema

    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    jsonschema.validate(cloudevent, ENVELOPE_SCHEMA, format_checker=checker)
    schema = event_type(cloudevent["type"]).schema
    jsonschema.validate(cloudevent["data"], schema, format_checker=checker)


def emit(type_name: str, subject: str, data: dict) -> dict:
    schema = connection.schema_name
    if schema == get_public_schema_name():
        raise RuntimeError(
            "Council events are emitted in a council's schema; platform events with emit_platform."
        )
    if event_type(type_name).scope != "council":  # LookupError for an uncatalogued type
        raise ValueError(f"{type_name!r} is a platform event: emit it with emit_platform.")
    return _write(OutboxEvent, schema, type_name, subject, data, source=source_for(schema))


def _write(model, schema: str, type_name: str, subject: str, data: dict, **fields) -> dict:
    """One outbox row (council or platform) in the current transaction, validated as a
    CloudEvent where EVENTS_VALIDATE is on, and ``schema``'s relay woken after the commit."""
    now = timezone.now()
    row = model.objects.create(
        type=type_name, subject=subject, time=now, data=data, next_attempt_at=now, **fields
    )
    cloudevent = as_cloudevent(row)
    if getattr(settings, "EVENTS_VALIDATE", False):
        validate(cloudevent)
    _wake_on_commit(schema)
    return cloudevent


def emit_platform(type_name: str, council: str, subject: str, data: dict) -> dict:
    """Write one platform event about ``council`` (its schema name) to the public schema's
    outbox (``platform_core.models.PlatformOutboxEvent``), in the current transaction, and wake
    the public schema's relay after the commit. Callable from any schema: the table is in
    public, which is on every council's search path, so the row joins the caller's
    transaction whichever schema is current."""
    from platform_core.models import PlatformOutboxEvent

    if event_type(type_name).scope != "platform":  # LookupError for an uncatalogued type
        raise ValueError(f"{type_name!r} is a council event: emit it with emit in its schema.")
    public = get_public_schema_name()
    if not isinstance(council, str) or council == public or not _SCHEMA_RE.match(council):
        raise ValueError(f"A platform event is about one council's schema, not {council!r}.")
    return _write(
        PlatformOutboxEvent,
        public,
        type_name,
        subject,
        data,
        source=PLATFORM_SOURCE,
        council=council,
    )


def analyze_after() -> int:
    """Events in one transaction (per schema) from which the commit refreshes the outbox's
    planner statistics (``EVENTS_ANALYZE_AFTER``; 0: never)."""
    return int(getattr(settings, "EVENTS_ANALYZE_AFTER", 500))


def analyze_outbox() -> None:
    """``ANALYZE`` the current schema's outbox table (the platform's in public). After a burst
    the statistics still say almost nothing is pending, and PostgreSQL runs the relay claim's
    "no earlier pending event of this subject" check as a nested loop over every pending row
    (quadratic in the burst: docs/benchmarks.md, "Events"); fresh statistics give the indexed
    plan. Autovacuum catches up with slow growth, not with one commit of thousands."""
    if connection.schema_name == get_public_schema_name():
        from platform_core.models import PlatformOutboxEvent

        table = PlatformOutboxEvent._meta.db_table
    else:
        table = OutboxEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{table}"')


class _Wake:
    """The after-commit wake-up for one council's relay (one per transaction and council)."""

    def __init__(self, schema: str):
        self.schema = schema
        self.count = 0  # events emitted at this callback's savepoint level

    def __call__(self) -> None:
        from .tasks import relay_council

        threshold = analyze_after()
        if threshold and self.count >= threshold:
            try:  # before the wake-up: the relay's first claim plans with fresh statistics
                with schema_context(self.schema):
                    analyze_outbox()
            except Exception:  # statistics are an optimisation; the commit stands
                log.exception("events: could not analyze the outbox of %s", self.schema)
        try:
            with schema_context(self.schema):
                if not claim_wake():
                    return  # a relay run is already queued and has not started: it will see this
                try:
                    relay_council.apply_async(kwargs={"schema": self.schema})
                except Exception:
                    release_wake()  # the next commit tries again
                    raise
        except Exception:  # the commit stands; the beat sweep delivers the events later
            log.exception("events: could not wake the relay for %s; the sweep will", self.schema)


# De-duplicated wake-ups: a burst of commits queues ONE relay run per council, not one each.
# With a shared (Redis) cache, the first commit sets the current council's "woken" key (the
# cache's key function adds the schema) and queues the task; later commits find the key and
# queue nothing. The task deletes the key BEFORE it reads the outbox, so a commit that found the
# key was made before that read (the run delivers it) and a commit after it queues a new run.
# A lost task leaves the key until it expires (twice the sweep interval); the beat sweep
# delivers meanwhile. Without a shared cache (a per-process cache in tests and development) or
# while Redis is unreachable, every commit queues its own wake-up, as before.
WAKE_KEY = "events:relay-woken"


def _shared_cache():
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    return cache if isinstance(cache, RedisCache) else None


def claim_wake() -> bool:
    """True when this commit should queue a relay run for the current council."""
    cache = _shared_cache()
    if cache is None:
        return True
    ttl = max(10, int(2 * float(getattr(settings, "EVENTS_SWEEP_SECONDS", 30))))
    return bool(cache.add(WAKE_KEY, 1, timeout=ttl)) or bool(getattr(cache, "degraded", False))


def release_wake() -> None:
    """Called by the relay task before it reads the outbox (and after a failed publish)."""
    cache = _shared_cache()
    if cache is not None:
        cache.delete(WAKE_KEY)


def _wake_on_commit(schema: str) -> None:
    # One wake-up per council and (savepoint) level of the transaction: a wake-up registered in
    # an outer block is not enough for an inner one whose callbacks are run on their own (tests
    # capture them), and a duplicate only costs an idle relay run.
    pending = getattr(connection, "run_on_commit", [])
    level = set(connection.savepoint_ids)
    for sids, func, _ in pending:
        if isinstance(func, _Wake) and func.schema == schema and set(sids) == level:
            func.count += 1
            return
    wake = _Wake(schema)
    wake.count = 1
    transaction.on_commit(wake, robust=True)
