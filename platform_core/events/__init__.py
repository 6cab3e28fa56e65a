"""Events: a transactional outbox in each council's schema (and one in the public schema for
platform events about a council, ``emit_platform``), a relay to internal handlers, and a
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


def emit_platform(type: str, council: str, subject: str, data: dict) -> dict:  # noqa: A002
    """Write one platform event about ``council`` (its schema name) to the public schema's
    outbox, in the current transaction (from any schema); returns the event."""
    from .outbox import emit_platform as _emit_platform

    return _emit_platform(type, council, subject, data)


__all__ = ["catalogue", "emit", "emit_platform", "event_type", "handler"]
