"""The relay: delivers committed outbox events of the current council to their handlers.

- Order per subject: an event is delivered only when no earlier event of its subject is still
  pending (a failing event holds back the later ones of its subject until it is delivered or
  dead-lettered); events of other subjects go on.
- Concurrency: rows are claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` inside the
  delivering transaction, so two relays (workers, the beat sweep) never deliver one event at
  the same time.
- Idempotency: each handler's success is a ``ProcessedEvent`` row (unique handler + event id)
  committed with the event's new status; a handler that already processed an event is skipped.
  A crash after a handler's side effect and before the commit runs it again: handlers must be
  idempotent (a missing object counts as deleted).
- Failure: a handler that raises is rolled back to its savepoint; the event is retried with
  exponential backoff and jitter; after ``EVENTS_MAX_ATTEMPTS`` it is dead-lettered.
- Platform events: in the public schema the same code relays the platform outbox
  (``platform_core.models.PlatformOutboxEvent``, ``PlatformProcessedEvent``) to internal
  handlers and fans out to the platform staff's webhook endpoints (``webhooks.tables``: the
  public schema's endpoint and delivery tables).
"""

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from platform_core.db import connection

from .models import OutboxEvent, ProcessedEvent
from .outbox import as_cloudevent
from .registry import handlers_for
from .timing import phase
from .webhooks import fan_out_many, subscribed_endpoints

log = logging.getLogger(__name__)


def max_attempts() -> int:
    return int(getattr(settings, "EVENTS_MAX_ATTEMPTS", 8))


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt: base * 2^(attempts-1), capped, with full jitter on half."""
    base = float(getattr(settings, "EVENTS_RETRY_BASE_SECONDS", 5))
    cap = float(getattr(settings, "EVENTS_RETRY_MAX_SECONDS", 3600))
    delay = min(cap, base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=delay / 2 + random.uniform(0, delay / 2))  # noqa: S311 - jitter


def _platform() -> bool:
    return connection.schema_name == get_public_schema_name()


def _tables():
    """The outbox and processed-event tables of the current schema: a council's, or in the
    public schema the platform's."""
    if _platform():
        from platform_core.models import PlatformOutboxEvent, PlatformProcessedEvent

        return PlatformOutboxEvent, PlatformProcessedEvent
    return OutboxEvent, ProcessedEvent


def _claimable():
    now = timezone.now()
    outbox = _tables()[0]
    earlier_pending = outbox.objects.filter(
        subject=OuterRef("subject"), id__lt=OuterRef("id"), status=OutboxEvent.Status.PENDING
    )
    return (
        outbox.objects.filter(status=OutboxEvent.Status.PENDING, next_attempt_at__lte=now)
        .exclude(Exists(earlier_pending))
        .order_by("id")
    )


def deliver(event: OutboxEvent) -> bool:
    """Run every handler of the event that has not processed it yet; True when all succeeded.
    Called inside the transaction that holds the event's row lock."""
    return _deliver_batch([event])[event.pk]


def _deliver_batch(batch: list[OutboxEvent]) -> dict[int, bool]:
    """Deliver a claimed batch (at most one event per subject) inside the transaction that
    holds the rows' locks; returns ``{pk: all handlers succeeded}``.

    The statements do not grow with the batch for types without internal handlers: one query
    for the subscribed endpoints, one insert of every webhook delivery (in a savepoint), one
    update of the delivered events. Types with handlers add one ``ProcessedEvent`` query for
    the batch and, per event and handler, the handler's savepoint and its ``ProcessedEvent``
    row (platform_core/events/tests/test_relay_statements.py holds these counts)."""
    errors: dict[int, list[str]] = {event.pk: [] for event in batch}
    outbox, processed = _tables()
    with phase("outbox.fan_out"):
        endpoints = subscribed_endpoints()  # the council's, or in public the platform's
        fanned = [e for e in batch if any(e.type in ep.event_types for ep in endpoints)]
        if fanned:
            try:
                with transaction.atomic():
                    fan_out_many(fanned, endpoints)
            except Exception:  # find the event(s) at fault; the others go on
                for event in fanned:
                    try:
                        with transaction.atomic():
                            fan_out_many([event], endpoints)
                    except Exception as exc:
                        log.warning("events: webhook fan-out failed on %s: %r", event.event_id, exc)
                        errors[event.pk].append(f"webhooks: {type(exc).__name__}: {exc}")
    handled = {e.pk: handlers_for(e.type) for e in batch}
    with_handlers = [e for e in batch if handled[e.pk]]
    if with_handlers:
        with phase("outbox.handlers"):
            _run_handlers(with_handlers, handled, processed, errors)
    with phase("outbox.mark"):
        _mark(batch, errors, outbox)
    return {event.pk: not errors[event.pk] for event in batch}


def _run_handlers(with_handlers, handled, processed, errors) -> None:
    """The internal handlers of the batch's events that have them (one ``ProcessedEvent``
    lookup for the batch; each handler and its ``ProcessedEvent`` row in a savepoint)."""
    done: dict = {}
    rows = processed.objects.filter(event_id__in=[e.event_id for e in with_handlers]).values_list(
        "event_id", "handler"
    )
    for event_id, name in rows:
        done.setdefault(event_id, set()).add(name)
    for event in with_handlers:
        cloudevent = as_cloudevent(event)
        for name, func in handled[event.pk].items():
            if name in done.get(event.event_id, ()):
                continue
            try:
                with transaction.atomic():
                    func(cloudevent)
                    processed.objects.create(handler=name, event_id=event.event_id)
            except Exception as exc:  # a handler's failure is the event's retry, never the relay's
                log.warning("events: %s failed on %s %s: %r", name, event.type, event.event_id, exc)
                errors[event.pk].append(f"{name}: {type(exc).__name__}: {exc}")


def _mark(batch, errors, outbox) -> None:
    """The batch's delivered events in one update; failed ones retried later or dead."""
    now = timezone.now()
    delivered = [e for e in batch if not errors[e.pk]]
    for event in batch:
        event.attempts += 1
    if delivered:
        outbox.objects.filter(pk__in=[e.pk for e in delivered]).update(
            status=OutboxEvent.Status.DELIVERED,
            attempts=F("attempts") + 1,
            delivered_at=now,
            last_error="",
        )
        for event in delivered:
            event.status, event.delivered_at, event.last_error = (
                OutboxEvent.Status.DELIVERED,
                now,
                "",
            )
    for event in batch:
        if not errors[event.pk]:
            continue
        event.last_error = "\n".join(errors[event.pk])[:4000]
        if event.attempts >= max_attempts():
            event.status = OutboxEvent.Status.DEAD
            log.error(
                "events: %s %s dead-lettered after %s attempts",
                event.type,
                event.event_id,
                event.attempts,
            )
        else:
            event.next_attempt_at = now + backoff(event.attempts)
        event.save(
            update_fields=["status", "attempts", "next_attempt_at", "last_error", "delivered_at"]
        )


def relay_pending(limit: int | None = None, per_batch: int | None = None) -> dict:
    """Deliver the current council's (in the public schema: the platform's) due events, one
    batch per transaction (``per_batch`` events, by default ``EVENTS_RELAY_BATCH``), until none
    is left (or ``limit`` events were tried). Returns counts."""
    batch_size = per_batch or int(getattr(settings, "EVENTS_RELAY_BATCH", 100))
    counts = {"delivered": 0, "failed": 0}
    tried = 0
    while limit is None or tried < limit:
        with phase("outbox.batch"), transaction.atomic():
            size = batch_size if limit is None else min(batch_size, limit - tried)
            with phase("outbox.claim"):
                claimed = list(_claimable().select_for_update(skip_locked=True)[:size])
            if not claimed:
                break
            # The claim holds back every event with an earlier pending one of its subject, so a
            # batch has one event per subject; should it ever have more, the later ones wait
            # (still pending) for the next batch, after the first is delivered.
            subjects: set[str] = set()
            batch = []
            for event in claimed:
                if event.subject not in subjects:
                    subjects.add(event.subject)
                    batch.append(event)
            for ok in _deliver_batch(batch).values():
                counts["delivered" if ok else "failed"] += 1
            tried += len(claimed)
        # Each claimed event is now delivered, dead, backing off (not due) or held behind an
        # earlier pending event of its subject (not claimable): the loop always ends.
    return counts


def replay(event: OutboxEvent) -> OutboxEvent:
    """Put a dead-lettered event back in the queue (its handlers that succeeded stay done)."""
    type(event).objects.filter(pk=event.pk, status=OutboxEvent.Status.DEAD).update(
        status=OutboxEvent.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    event.refresh_from_db()
    return event
