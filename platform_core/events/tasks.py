"""Celery tasks of the relay: woken after a commit (per council) and a beat sweep."""

import logging
import threading

from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context

from platform_core.celery import app
from platform_core.db import connection

log = logging.getLogger(__name__)


def _relay_here() -> dict:
    """The current schema's outbox (internal handlers, webhook fan-out; in the public schema
    the platform's outbox and the platform staff's endpoints) one batch at a time, each batch's
    webhook deliveries sent as soon as the batch is committed: an event waits for its own
    batch, not for the whole backlog. The deliveries are sent by a sender thread while this
    one claims and fans out the next batch (``_pipelined``)."""
    from django.conf import settings

    from .outbox import release_wake
    from .timing import phase, report

    release_wake()  # before reading: a commit from now on queues a run of its own
    batch = int(getattr(settings, "EVENTS_RELAY_BATCH", 100))
    with phase("task.wall"):
        if _pipeline() and not connection.in_atomic_block:
            result = _pipelined(batch)
        else:
            result = _sequential(batch)
    report(events=result["delivered"] + result["failed"], sent=sum(result["webhooks"].values()))
    return result


def _pipeline() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "EVENTS_RELAY_PIPELINE", True))


class _Statistics:
    """Planner statistics refreshed once per relay run, when the run has relayed
    ``EVENTS_ANALYZE_AFTER`` events and is still working through a backlog (its last outbox
    batch came back full: a backlog built by many small commits, which the commit's own
    ``ANALYZE`` never sees, and the deliveries a burst fans out): the outbox's and the
    deliveries' tables, so that the remaining claims are planned with the pending rows
    counted (docs/benchmarks.md, "Events"). A relay that keeps up with a steady stream never
    has a full batch and is not paused for it: the ``ANALYZE`` held every event behind it for
    about a second (p95 1.1-1.2 s against 0.13 s without, 500 commits/s of one event)."""

    def __init__(self, background: bool = False):
        self.relayed = 0
        self.done = False
        # In the pipelined relay the ANALYZE runs in a thread of its own (its own connection;
        # ANALYZE takes no lock that blocks the relay's statements), so the relay is not paused
        # for it; inside a transaction (the sequential path) it runs here.
        self.background = background
        self.thread: threading.Thread | None = None

    def after(self, counts: dict, backlog: bool) -> None:
        from .outbox import analyze_after

        self.relayed += counts["delivered"] + counts["failed"]
        threshold = analyze_after()
        if self.done or not backlog or not threshold or self.relayed < threshold:
            return
        self.done = True
        if not self.background:
            self._analyze()
            return
        self.thread = threading.Thread(
            target=self._analyze_elsewhere,
            args=(connection.schema_name,),
            name="events-analyze",
            daemon=True,
        )
        self.thread.start()

    def _analyze(self) -> None:
        from .outbox import analyze_outbox
        from .webhooks import analyze_deliveries

        try:
            analyze_outbox()
            analyze_deliveries()
        except Exception:  # statistics are an optimisation; the relay goes on
            log.exception(
                "events: could not analyze the events tables of %s", connection.schema_name
            )

    def _analyze_elsewhere(self, schema: str) -> None:
        from django.db import connection as thread_connection

        try:
            with schema_context(schema):
                self._analyze()
        finally:
            thread_connection.close()  # this thread's connection

    def join(self) -> None:
        if self.thread is not None:
            self.thread.join()


class _BatchSize:
    """The outbox batch of a relay run: ``EVENTS_RELAY_BATCH``, doubled after each full batch
    (a backlog) up to ``EVENTS_RELAY_BATCH_MAX``, back to the first size once a batch is not
    full. A batch's statements are the same whatever its size (claim, endpoints, one insert of
    the deliveries, one update): a backlog is relayed with fewer round trips per event, while a
    trickle of events keeps small batches (each event waits for its batch's commit)."""

    def __init__(self, first: int):
        from django.conf import settings

        self.first = first
        self.size = first
        self.most = max(first, int(getattr(settings, "EVENTS_RELAY_BATCH_MAX", 800)))

    def after(self, counts: dict) -> bool:
        """Size the next batch; whether this one was full (a backlog waits)."""
        full = counts["delivered"] + counts["failed"] >= self.size
        self.size = min(self.size * 2, self.most) if full else self.first
        return full


def _sequential(batch: int) -> dict:
    """Outbox batch, its webhook deliveries, next batch, in this thread (with
    ``EVENTS_RELAY_PIPELINE`` off, and inside a transaction: a second connection would not see
    its rows)."""
    from .relay import relay_pending
    from .webhooks import deliver_due

    totals = {"delivered": 0, "failed": 0}
    webhooks = {"delivered": 0, "failed": 0}
    statistics = _Statistics()
    size = _BatchSize(batch)
    while True:
        outbox = relay_pending(limit=size.size, per_batch=size.size)
        statistics.after(outbox, backlog=size.after(outbox))
        sent = deliver_due()
        for key in ("delivered", "failed"):
            totals[key] += outbox[key]
            webhooks[key] += sent[key]
        if not any(outbox.values()) and not any(sent.values()):
            return {**totals, "webhooks": webhooks}


def _pipelined(batch: int) -> dict:
    """The outbox in this thread, the webhook deliveries in ``WEBHOOKS_SENDERS`` sender
    threads, each with its own database connection, overlapping: while batch N's requests are
    in flight (and their results recorded), batch N+1 is claimed and fanned out. Each side keeps its guarantees as when run
    one after the other: a sender claims deliveries with ``FOR UPDATE SKIP LOCKED``, one per
    endpoint and subject with no earlier one pending (a delivery another sender holds is still
    pending: the later ones of its subject wait), and only committed deliveries (a batch's are
    visible once its outbox transaction commits). The senders are told after every commit;
    each stops when the outbox is drained and a claim started after that finds nothing due. An
    exception in any thread is raised here after all have stopped (the task fails; the
    sweep or the next wake-up relays what is left)."""
    from django.conf import settings
    from django.db import connection as thread_connection
    from django_tenants.utils import schema_context

    from .relay import relay_pending
    from .webhooks import deliver_due

    schema = connection.schema_name
    # A generation counter, bumped after every outbox commit: a sender that found nothing due
    # waits for the next generation (or the end of the outbox loop).
    changed = threading.Condition()
    state = {"generation": 0, "drained": False}
    webhooks = {"delivered": 0, "failed": 0}
    failure: list[BaseException] = []

    def bump(drained: bool = False) -> None:
        with changed:
            state["generation"] += 1
            state["drained"] = state["drained"] or drained
            changed.notify_all()

    def sender() -> None:
        try:
            with schema_context(schema):
                while not failure:
                    with changed:
                        seen = state["generation"]
                        finished = state["drained"]  # read BEFORE the claim: it sees every fan-out
                    sent = deliver_due()
                    with changed:
                        for key in ("delivered", "failed"):
                            webhooks[key] += sent[key]
                    if any(sent.values()):
                        continue
                    if finished:
                        return

                    def moved(seen: int = seen) -> bool:
                        return state["generation"] != seen

                    with changed:
                        changed.wait_for(moved, timeout=1.0)
        except BaseException as exc:  # noqa: BLE001 - handed to the task's thread
            failure.append(exc)
        finally:
            thread_connection.close()  # this thread's connection

    totals = {"delivered": 0, "failed": 0}
    statistics = _Statistics(background=True)
    size = _BatchSize(batch)
    # Nothing new in the outbox (a sweep over idle councils, a wake-up whose events an earlier
    # run took): the due deliveries (retries) are sent here, without a thread or a connection.
    first = relay_pending(limit=size.size, per_batch=size.size)
    if not any(first.values()):
        return {**first, "webhooks": deliver_due()}
    statistics.after(first, backlog=size.after(first))
    for key in ("delivered", "failed"):
        totals[key] += first[key]
    count = max(1, int(getattr(settings, "WEBHOOKS_SENDERS", 1)))
    threads = [
        threading.Thread(target=sender, name=f"events-webhook-sender-{i}", daemon=True)
        for i in range(count)
    ]
    for thread in threads:
        thread.start()
    try:
        while not failure:
            outbox = relay_pending(limit=size.size, per_batch=size.size)
            full = size.after(outbox)
            for key in ("delivered", "failed"):
                totals[key] += outbox[key]
            if not any(outbox.values()):
                break
            statistics.after(outbox, backlog=full)  # before the senders' next claims
            bump()
    except BaseException as exc:
        failure.append(exc)
    finally:
        bump(drained=True)
        for thread in threads:
            thread.join()
        statistics.join()
    if failure:
        raise failure[0]
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
