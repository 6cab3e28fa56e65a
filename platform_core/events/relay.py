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
"""

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .models import OutboxEvent, ProcessedEvent
from .outbox import as_cloudevent
from .registry import handlers_for
from .webhooks import fan_out

log = logging.getLogger(__name__)


def max_attempts() -> int:
    return int(getattr(settings, "EVENTS_MAX_ATTEMPTS", 8))


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt: base * 2^(attempts-1), capped, with full jitter on half."""
    base = float(getattr(settings, "EVENTS_RETRY_BASE_SECONDS", 5))
    cap = float(getattr(settings, "EVENTS_RETRY_MAX_SECONDS", 3600))
    delay = min(cap, base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=delay / 2 + random.uniform(0, delay / 2))  # noqa: S311 - jitter


def _claimable():
    now = timezone.now()
    earlier_pending = OutboxEvent.objects.filter(
        subject=OuterRef("subject"), id__lt=OuterRef("id"), status=OutboxEvent.Status.PENDING
    )
    return (
        OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING, next_attempt_at__lte=now)
        .exclude(Exists(earlier_pending))
        .order_by("id")
    )


def deliver(event: OutboxEvent) -> bool:
    """Run every handler of the event that has not processed it yet; True when all succeeded.
    Called inside the transaction that holds the event's row lock."""
    cloudevent = as_cloudevent(event)
    done = set(
        ProcessedEvent.objects.filter(event_id=event.event_id).values_list("handler", flat=True)
    )
    errors = []
    try:
        with transaction.atomic():
            fan_out(event)  # webhook deliveries of this council's subscribed endpoints
    except Exception as exc:
        log.warning("events: webhook fan-out failed on %s: %r", event.event_id, exc)
        errors.append(f"webhooks: {type(exc).__name__}: {exc}")
    for name, func in handlers_for(event.type).items():
        if name in done:
            continue
        try:
            with transaction.atomic():
                func(cloudevent)
                ProcessedEvent.objects.create(handler=name, event_id=event.event_id)
        except Exception as exc:  # a handler's failure is the event's retry, never the relay's
            log.warning("events: %s failed on %s %s: %r", name, event.type, event.event_id, exc)
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
    now = timezone.now()
    event.attempts += 1
    if not errors:
        event.status = OutboxEvent.Status.DELIVERED
        event.delivered_at = now
        event.last_error = ""
    else:
        event.last_error = "\n".join(errors)[:4000]
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
    return not errors


def relay_pending(limit: int | None = None) -> dict:
    """Deliver the current council's due events, one batch per transaction, until none is left
    (or ``limit`` events were tried). Returns counts."""
    batch_size = int(getattr(settings, "EVENTS_RELAY_BATCH", 100))
    counts = {"delivered": 0, "failed": 0}
    tried = 0
    while limit is None or tried < limit:
        with transaction.atomic():
            size = batch_size if limit is None else min(batch_size, limit - tried)
            batch = list(_claimable().select_for_update(skip_locked=True)[:size])
            if not batch:
                break
            held: set[str] = set()  # subjects with a failure in this batch: later events wait
            for event in batch:
                if event.subject in held:
                    continue
                ok = deliver(event)
                counts["delivered" if ok else "failed"] += 1
                if event.status == OutboxEvent.Status.PENDING:
                    held.add(event.subject)
            tried += len(batch)
        # Each claimed event is now delivered, dead, backing off (not due) or held behind an
        # earlier pending event of its subject (not claimable): the loop always ends.
    return counts


def replay(event: OutboxEvent) -> OutboxEvent:
    """Put a dead-lettered event back in the queue (its handlers that succeeded stay done)."""
    OutboxEvent.objects.filter(pk=event.pk, status=OutboxEvent.Status.DEAD).update(
        status=OutboxEvent.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    event.refresh_from_db()
    return event
