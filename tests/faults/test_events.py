"""Events against faults (issue 15, "Faults to test"): a real Celery worker (and beat where the
sweep matters) on a real Redis broker relays committed outbox events to a webhook receiver on
127.0.0.1, while the test kills the worker mid-delivery, stops the broker, makes the receiver
answer 500 or hang, and freezes S3 during a disposal. Nothing committed is lost; the receiver
processes each event id once (deliveries are at least once: it de-duplicates on the id, and the
tests report the raw arrivals).

The worker and beat read their settings from the environment (short backoffs, retry windows and
timeouts, so that the test waits seconds for what production waits hours for). The test process
itself runs Celery eagerly (no broker): its after-commit wake-ups are sent to the test's broker
instead (``wake_through``), so the worker, not the test process, relays.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis

from .conftest import RedisServer, wait_until

TYPE = "funding.grant.awarded"
BROKER_DB12 = "redis://127.0.0.1:6379/12"


class FaultReceiver:
    """A webhook receiver on 127.0.0.1 that counts every raw arrival per event id (before it
    answers), processes each event id once (its side effect: ``processed``), and can answer
    ``status``, or hang ``hold`` seconds before answering (only on an id's first arrival when
    ``hold_first_only``)."""

    def __init__(self, status: int = 200, hold: float = 0.0, hold_first_only: bool = False):
        self.status = status
        self.hold = hold
        self.hold_first_only = hold_first_only
        self.arrivals: dict[str, int] = {}
        self.processed: dict[str, int] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                event_id = json.loads(body).get("id", "")
                with receiver.lock:
                    receiver.arrivals[event_id] = receiver.arrivals.get(event_id, 0) + 1
                    first = receiver.arrivals[event_id] == 1
                    status = receiver.status
                    if status < 300 and event_id not in receiver.processed:
                        receiver.processed[event_id] = 1  # the side effect, once per id
                    elif status < 300:
                        receiver.processed[event_id] += 0  # a resend: de-duplicated
                hold = receiver.hold if (first or not receiver.hold_first_only) else 0
                if hold:
                    time.sleep(hold)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the sender went away (killed, or gave up waiting)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    started: list[FaultReceiver] = []

    def start(**kwargs) -> FaultReceiver:
        r = FaultReceiver(**kwargs)
        started.append(r)
        return r

    yield start
    for r in started:
        r.stop()


@pytest.fixture
def broker12():
    """Redis database 12 on the machine's server (this helper's broker database), emptied."""
    client = redis.Redis.from_url(BROKER_DB12)
    client.flushdb()
    yield BROKER_DB12
    client.flushdb()


@pytest.fixture
def wake_through(monkeypatch):
    """``wake_through(broker_url)``: the test process's after-commit wake-ups of the relay go
    through that broker to the worker (instead of running eagerly here); a broker that cannot
    be reached loses the wake-up, as in production (the beat sweep is the safety net)."""
    from platform_core.celery import app
    from platform_core.events import outbox

    def install(broker_url: str) -> None:
        def wake(self) -> None:
            try:
                with app.connection_for_write(broker_url) as conn:
                    app.send_task(
                        "events.relay_council",
                        kwargs={"schema": self.schema},
                        connection=conn,
                        retry_policy={"max_retries": 1, "interval_start": 0},
                    )
            except Exception:  # noqa: BLE001 - as the real wake-up: the commit stands
                pass

        monkeypatch.setattr(outbox._Wake, "__call__", wake)

    return install


@pytest.fixture
def endpoint(committed):
    """``endpoint(url)``: a webhook endpoint of council A subscribed to TYPE (removed after)."""
    from django.db import IntegrityError, transaction

    from platform_core.events import webhooks
    from platform_core.events.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

    made = []

    def subscribe(url: str) -> WebhookEndpoint:
        e = committed.run(lambda: webhooks.create_endpoint("faults", url=url, event_types=[TYPE]))
        made.append(e.pk)
        return e

    yield subscribe

    def remove():
        # The worker may still be running (its fixture is torn down after this one): stop
        # sending first, then delete, again if an attempt in flight was recorded meanwhile.
        WebhookEndpoint.objects.filter(pk__in=made).update(active=False)
        for _ in range(5):
            try:
                with transaction.atomic():
                    WebhookAttempt.objects.filter(delivery__endpoint__in=made).delete()
                    WebhookDelivery.objects.filter(endpoint__in=made).delete()
                    WebhookEndpoint.objects.filter(pk__in=made).delete()
                return
            except IntegrityError:
                time.sleep(1)

    committed.run(remove)


def _grant(n: int) -> dict:
    return {
        "grant": n,
        "identifier": f"360G-faults-{n}",
        "amount": "10.00",
        "currency": "GBP",
        "award_date": "2026-11-30",
        "recipient": "Faults Trust",
        "source": "direct",
    }


def _emit(committed, count: int, start: int = 1) -> list[str]:
    """Commit ``count`` events in council A (one subject each); their ids."""
    from django.db import transaction

    from platform_core.events import emit

    def run():
        with transaction.atomic():
            return [
                emit(TYPE, f"funding/grant/{committed.tag}-{n}", _grant(n))["id"]
                for n in range(start, start + count)
            ]

    return committed.run(run)


def _deliveries(committed, endpoint_id: int) -> list:
    from platform_core.events.models import WebhookDelivery

    return committed.run(
        lambda: list(WebhookDelivery.objects.filter(endpoint_id=endpoint_id).order_by("id"))
    )


def _outbox_status(committed, ids: list[str]) -> dict[str, str]:
    from platform_core.events.models import OutboxEvent

    return committed.run(
        lambda: dict(OutboxEvent.objects.filter(event_id__in=ids).values_list("event_id", "status"))
    )


@pytest.mark.django_db
def test_the_events_these_tests_emit_are_valid(council_a):
    """The events the fault tests emit match their catalogue schema. (Also makes pytest set up
    the test database for this module, whose other tests commit their own data: run it with
    them, ``-k "valid or ..."``.)"""
    from django_tenants.utils import schema_context

    from platform_core.events import emit
    from platform_core.events.outbox import validate

    with schema_context(council_a.schema_name):
        validate(emit(TYPE, "funding/grant/1", _grant(1)))


def test_worker_killed_mid_delivery_delivers_after_restart_each_event_processed_once(
    committed, broker12, celery_process, receiver, endpoint, wake_through
):
    """The receiver holds its answers to the first sends; the worker is SIGKILLed while it waits
    (its transaction, holding the deliveries' row locks, rolls back). A new worker gets the
    relay task back from the broker (acks late, visibility timeout) and sends them again: every
    event arrives, the receiver processes each id once; the resends are counted as duplicate
    arrivals (at least once)."""
    from platform_core.events.models import WebhookDelivery

    r = receiver(hold=30, hold_first_only=True)
    e = endpoint(r.url)
    env = {
        "CELERY_VISIBILITY_TIMEOUT": "3",  # the killed worker's task comes back after 3 s
        "WEBHOOKS_TIMEOUT_SECONDS": "25",  # the worker waits on the held answers until killed
    }
    args = ["--pool=prefork", "--concurrency=1"]
    worker = celery_process("worker", broker12, args, env)
    wake_through(broker12)
    ids = _emit(committed, 3)

    wait_until(
        lambda: len(r.arrivals) == 3,
        timeout=90,  # the worker's start-up on a loaded machine
        message=f"the first sends never arrived: {r.arrivals}",
    )
    worker.kill()
    # Nothing was recorded as delivered: the killed transaction rolled back.
    assert {d.status for d in _deliveries(committed, e.pk)} == {WebhookDelivery.Status.PENDING}

    celery_process("worker", broker12, args, env)
    wait_until(
        lambda: (
            all(d.status == "delivered" for d in _deliveries(committed, e.pk))
            and len(_deliveries(committed, e.pk)) == 3
        ),
        timeout=60,
        message=f"not delivered after the restart: {_deliveries(committed, e.pk)}",
    )
    assert r.processed == dict.fromkeys(ids, 1)  # each id processed once
    # At least once: each event arrived twice (the killed send and the resend).
    assert r.arrivals == dict.fromkeys(ids, 2), r.arrivals
    assert set(_outbox_status(committed, ids).values()) == {"delivered"}


def test_broker_stopped_events_stay_in_the_outbox_and_flow_when_it_returns(
    committed, celery_process, receiver, endpoint, wake_through
):
    """The broker (a private redis-server) is killed; events committed meanwhile stay pending in
    the outbox (their wake-ups are lost with the broker) and nothing is sent; when the broker is
    back on the same port, empty, beat's sweep finds them and the worker delivers every one."""
    from platform_core.events.models import OutboxEvent

    broker = RedisServer()
    try:
        r = receiver()
        endpoint(r.url)
        wake_through(broker.url)
        worker = celery_process("worker", broker.url, ["--pool=solo"])
        celery_process("beat", broker.url, env={"EVENTS_SWEEP_SECONDS": "1"})
        warm = _emit(committed, 1, start=100)
        wait_until(lambda: warm[0] in r.processed, timeout=90, message="the worker never relayed")

        broker.kill()
        ids = _emit(committed, 5)
        time.sleep(3)  # beat's sweep ticks fall in the outage
        assert set(_outbox_status(committed, ids).values()) == {OutboxEvent.Status.PENDING}
        assert not set(ids) & set(r.arrivals)

        broker.start()
        if worker.process.poll() is not None:
            # The worker can die of the outage itself: kombu's Redis transport, closing the
            # lost connection while a task was being acked, raises AttributeError in
            # restore_unacked ('Unrecoverable error', seen here with kombu 5.7.0). Its supervisor
            # (Kubernetes restarts the pod whose process exited) starts it again; so does the test.
            worker.start()
        wait_until(
            lambda: set(ids) <= set(r.processed),
            timeout=60,
            message=f"events lost in the outage: {set(ids) - set(r.processed)}",
        )
        wait_until(
            lambda: set(_outbox_status(committed, ids).values()) == {"delivered"}, timeout=15
        )
        assert all(r.processed[i] == 1 for i in ids)
    finally:
        broker.close()


@pytest.mark.parametrize("fault", ["500", "hang"])
def test_failing_receiver_is_retried_with_backoff_then_dead_lettered_and_replay_delivers(
    fault, committed, broker12, celery_process, receiver, endpoint, wake_through
):
    """The receiver answers 500 (or hangs past the 1 s timeout): attempts are retried with
    growing gaps (exponential backoff with jitter, each gap at least half its nominal delay),
    every attempt logged with its status (none for a timeout), until the retry window (here
    10 s) is over: the delivery is dead-lettered. The receiver recovers; staff replay the
    delivery; the worker delivers it, and the receiver processes it once."""
    from platform_core.events import webhooks
    from platform_core.events.models import WebhookAttempt, WebhookDelivery

    r = receiver(status=500) if fault == "500" else receiver(hold=3)
    base = 1.0
    env = {
        "EVENTS_SWEEP_SECONDS": "1",
        "WEBHOOKS_RETRY_BASE_SECONDS": str(base),
        "WEBHOOKS_RETRY_MAX_SECONDS": "8",
        "WEBHOOKS_RETRY_WINDOW_HOURS": str(10 / 3600),
        "WEBHOOKS_TIMEOUT_SECONDS": "1",
    }
    celery_process("worker", broker12, ["--pool=solo"], env)
    celery_process("beat", broker12, env=env)
    wake_through(broker12)
    # The retry window starts at the event: wait for the worker before emitting it (an event
    # relayed before the endpoint exists is sent nowhere).
    (warm,) = _emit(committed, 1, start=100)
    wait_until(
        lambda: _outbox_status(committed, [warm]) == {uuid.UUID(warm): "delivered"},
        timeout=90,
        message="the worker never relayed",
    )
    e = endpoint(r.url)
    (event_id,) = _emit(committed, 1)

    def delivery():
        found = _deliveries(committed, e.pk)
        return found[0] if found else None

    wait_until(
        lambda: delivery() and delivery().status == WebhookDelivery.Status.DEAD,
        timeout=60,
        message=f"not dead-lettered: {delivery()}",
    )
    attempts = committed.run(
        lambda: list(WebhookAttempt.objects.filter(delivery__endpoint=e).order_by("attempted_at"))
    )
    assert len(attempts) >= 4, attempts
    assert not any(a.ok for a in attempts)
    if fault == "500":
        assert {a.status_code for a in attempts} == {500}
    else:
        assert {a.status_code for a in attempts} == {None}
        assert all("timeout" in a.error.lower() for a in attempts), [a.error for a in attempts]
    times = [a.attempted_at.timestamp() for a in attempts]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    for n, gap in enumerate(gaps[:-1], start=1):  # the last is cut short by the window's end
        assert gap >= base * 2 ** (n - 1) / 2 - 0.05, (n, gaps)
    assert gaps[-2] > gaps[0], gaps  # the delays grow
    assert committed.run(lambda: delivery().attempts) == len(attempts)
    assert r.arrivals == {event_id: len(attempts)}
    if fault == "500":
        assert r.processed == {}
    else:  # the receiver did its work but answered too late: resends are de-duplicated
        assert r.processed == {event_id: 1}

    # The receiver is fixed; staff replay the dead letter.
    r.status, r.hold = 200, 0
    committed.run(lambda: webhooks.replay_delivery("staff", delivery()))
    wait_until(
        lambda: delivery().status == WebhookDelivery.Status.DELIVERED,
        timeout=30,
        message=f"the replay was not delivered: {delivery()}",
    )
    assert r.processed == {event_id: 1}
    assert r.arrivals == {event_id: len(attempts) + 1}


def test_s3_down_during_disposal_rows_and_content_stay_consistent_and_deletion_completes(
    committed, moto_process, broker12, celery_process, wake_through
):
    """S3 frozen (SIGSTOP) while records are destroyed. A destruction that commits does not wait
    for S3 (the content is deleted after the commit, from the outbox) and the worker's attempts
    fail and are retried: the rows say destroyed, the content is still in the bucket, the
    deletion owed. A destruction rolled back by a later failure leaves its content and rows as
    they were. When S3 answers again, the deletion completes; nothing else was deleted."""
    from django.db import transaction
    from django.utils import timezone

    from platform_core.events.models import OutboxEvent
    from records import actions, storage
    from records.conftest import upload
    from records.models import Record, RecordVersion
    from records.tests.files import make_pdf

    env = {"EVENTS_SWEEP_SECONDS": "1", "EVENTS_RETRY_BASE_SECONDS": "1"}
    celery_process("worker", broker12, ["--pool=solo"], env)
    celery_process("beat", broker12, env=env)
    wake_through(broker12)

    def declare(title):
        return committed.run(
            lambda: actions.declare_record(
                committed.user,
                upload=upload("m.pdf", make_pdf(f"Minutes {title}"), "application/pdf"),
                title=title,
                file_class=committed.file_class,
            )
        )

    doomed = declare(f"Doomed {committed.tag}")
    kept = declare(f"Kept {committed.tag}")
    keys = {
        rec.pk: committed.run(lambda rec=rec: RecordVersion.objects.get(record=rec).storage_key)
        for rec in (doomed, kept)
    }
    stored = committed.run(storage.list_stored_names)
    assert set(keys.values()) <= stored

    moto_process.freeze()
    try:
        started = time.monotonic()
        committed.run(lambda: actions.destroy_record(committed.user, doomed, "faults"))
        # The commit never waited for the frozen S3 (any call to it takes its 3 s read timeout).
        assert time.monotonic() - started < 3

        def destroy_then_fail():
            with transaction.atomic():
                actions.destroy_record(committed.user, Record.objects.get(pk=kept.pk), "faults")
                raise RuntimeError("a later step of the same change fails")

        with pytest.raises(RuntimeError):
            committed.run(destroy_then_fail)

        destroyed = committed.run(
            lambda: OutboxEvent.objects.get(type="records.record.destroyed", data__record=doomed.pk)
        )
        assert not committed.run(
            lambda: OutboxEvent.objects.filter(
                type="records.record.destroyed", data__record=kept.pk
            ).exists()
        )

        def failed_attempt():
            destroyed.refresh_from_db()
            return destroyed.attempts >= 1 and destroyed.status == OutboxEvent.Status.PENDING

        wait_until(lambda: committed.run(failed_attempt), timeout=60, message="no attempt")
        assert "StorageUnavailable" in destroyed.last_error, destroyed.last_error
        assert committed.run(lambda: Record.objects.get(pk=doomed.pk).status) == "destroyed"
        assert committed.run(lambda: Record.objects.get(pk=kept.pk).status) != "destroyed"
        assert committed.run(
            lambda: RecordVersion.objects.get(record_id=kept.pk).destroyed_at is None
        )
    finally:
        moto_process.thaw()

    def deleted():
        destroyed.refresh_from_db()
        return destroyed.status == OutboxEvent.Status.DELIVERED

    wait_until(lambda: committed.run(deleted), timeout=60, message="deletion never completed")
    now_stored = committed.run(storage.list_stored_names)
    assert keys[doomed.pk] not in now_stored
    assert keys[kept.pk] in now_stored  # the rolled-back destruction deleted nothing
    assert destroyed.delivered_at <= timezone.now()


@pytest.mark.parametrize("pipeline", [True, False], ids=["pipelined", "sequential"])
def test_the_relay_fans_out_the_next_batch_while_the_webhooks_are_in_flight(
    committed, receiver, endpoint, monkeypatch, settings, pipeline
):
    """``events.relay_council`` with ``EVENTS_RELAY_PIPELINE`` (the default): a sender thread
    sends batch N's webhooks while the task claims and fans out batch N+1, so the second outbox
    batch is committed before the first webhook batch's results are (without it, after). Either
    way every event arrives once, in order per subject, and every row ends delivered."""
    from platform_core.events import outbox, relay, tasks, webhooks

    monkeypatch.setattr(outbox._Wake, "__call__", lambda self: None)  # the test relays
    settings.EVENTS_RELAY_BATCH = settings.EVENTS_RELAY_BATCH_MAX = 10
    settings.EVENTS_RELAY_PIPELINE = pipeline
    r = receiver(hold=0.4)  # each answer takes 0.4 s: a webhook batch of 10 takes ~0.8 s
    endpoint(r.url)
    timeline: list[tuple[str, float]] = []
    real_relay, real_record = relay.relay_pending, webhooks._record

    def relay_pending(limit=None, per_batch=None):
        result = real_relay(limit, per_batch)
        if any(result.values()):
            timeline.append(("outbox", time.monotonic()))
        return result

    def record(batch, outcomes):
        real_record(batch, outcomes)
        timeline.append(("webhooks", time.monotonic()))

    monkeypatch.setattr(relay, "relay_pending", relay_pending)
    monkeypatch.setattr(webhooks, "_record", record)
    ids = _emit(committed, 20)
    same = _emit_subject(committed, f"funding/grant/{committed.tag}-same", 4)

    result = committed.run(lambda: tasks.relay_council(committed.council.schema_name))

    assert result["delivered"] == 24 and result["webhooks"] == {"delivered": 24, "failed": 0}
    assert r.processed == dict.fromkeys(ids + same, 1) and set(r.arrivals.values()) == {1}
    assert [i for i in r.arrivals if i in same] == same  # in order per subject
    assert set(_outbox_status(committed, ids + same).values()) == {"delivered"}
    outbox_done = [t for kind, t in timeline if kind == "outbox"]
    first_sent = min(t for kind, t in timeline if kind == "webhooks")
    assert len(outbox_done) >= 2, timeline
    assert (outbox_done[1] < first_sent) is pipeline, timeline


def _emit_subject(committed, subject: str, count: int) -> list[str]:
    """Commit ``count`` events of one subject in council A, one transaction each; their ids."""
    from django.db import transaction

    from platform_core.events import emit

    def run():
        with transaction.atomic():
            return emit(TYPE, subject, _grant(0))["id"]

    return [committed.run(run) for _ in range(count)]
