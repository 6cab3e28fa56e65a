"""Celery tasks of the relay: woken after a commit (per council) and a beat sweep."""

import logging

from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context

from platform_core.celery import app

log = logging.getLogger(__name__)


def _relay_here() -> dict:
    """The current schema's outbox (internal handlers, webhook fan-out; in the public schema
    the platform's outbox and the platform staff's endpoints) one batch at a time,
    each batch's webhook deliveries sent before the next batch is read: an event waits for
    its own batch, not for the whole backlog."""
    from django.conf import settings

    from .outbox import release_wake
    from .relay import relay_pending
    from .webhooks import deliver_due

    release_wake()  # before reading: a commit from now on queues a run of its own
    batch = int(getattr(settings, "EVENTS_RELAY_BATCH", 100))
    totals = {"delivered": 0, "failed": 0}
    webhooks = {"delivered": 0, "failed": 0}
    while True:
        outbox = relay_pending(limit=batch)
        sent = deliver_due()
        for key in ("delivered", "failed"):
            totals[key] += outbox[key]
            webhooks[key] += sent[key]
        if not any(outbox.values()) and not any(sent.values()):
            return {**totals, "webhooks": webhooks}


@app.task(name="events.relay_council")
def relay_council(schema: str) -> dict:
    """Deliver one council's due events (woken by ``emit`` after the commit); with the public
    schema's name, the platform's events (woken by ``emit_platform``)."""
    with schema_context(schema):
        return _relay_here()


@app.task(name="events.relay_all")
def relay_all() -> dict:
    """Beat safety net: deliver every council's due events (a lost wake-up, a retry whose
    backoff has passed, a worker that died mid-delivery). The platform outbox (public schema)
    first, then every council, suspended ones too: nothing committed is left undelivered."""
    results = {}
    public = get_public_schema_name()
    councils = get_tenant_model().objects.exclude(schema_name=public)
    schemas = [public, *councils.order_by("schema_name").values_list("schema_name", flat=True)]
    for schema in schemas:
        try:
            with schema_context(schema):
                results[schema] = _relay_here()
        except Exception:  # one council's trouble must not stop the others
            log.exception("events: relay failed for %s", schema)
            results[schema] = {"error": True}
    return results
