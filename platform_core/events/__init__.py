"""Events: a transactional outbox in each council's schema, a relay to internal handlers, and a
catalogue of versioned event types (docs/events.md).

    from platform_core.events import emit, handler

    emit("records.record.destroyed", subject=f"records/record/{record.uid}", data={...})

    @handler("records.record.destroyed")           # in <app>/event_handlers.py
    def delete_content(event: dict) -> None: ...   # idempotent: may run again after a crash

``emit`` writes a row in the caller's transaction: a rolled-back transaction publishes nothing,
a committed one is never lost (the relay is woken on commit, and a beat schedule sweeps every
council in case the wake-up is lost).
"""

from .registry import catalogue, event_type, handler


def emit(type: str, subject: str, data: dict) -> dict:  # noqa: A002 - CloudEvents' own name
    """Write one CloudEvents 1.0 event to the current council's outbox, in the current
    transaction; returns the event as it will be delivered."""
    from .outbox import emit as _emit

    return _emit(type, subject, data)


__all__ = ["catalogue", "emit", "event_type", "handler"]
