"""Events benchmark: outbox -> relay -> webhook receiver, with one real Celery worker.

``python -m bench.run events [--events N] [--batches 1,10,100,N] [--reuse] [--profile]
[--database NAME]`` (NAME defaults to ``bench_events``: two people benchmarking at once pick
different names)
(DJANGO_SETTINGS_MODULE=platform_core.settings.test; ``make bench BENCH_ARGS="events"``).

Runs in a council of its own in its own database (``bench_events``, next to DATABASE_URL;
``--reuse`` keeps an existing one instead of migrating and provisioning afresh). The broker is
Redis (``BENCH_EVENTS_BROKER``, default ``redis://127.0.0.1:6379/10``); ONE Celery worker
(``--pool=solo``, the production settings of acks-late and prefetch 1) runs the relay.

Events are emitted the way the app does: ``outbox.emit("funding.grant.awarded", ...)`` inside
``transaction.atomic()`` in the council's schema (one subject per event, so per-subject order
holds nothing back); the commit's on-commit hook wakes the relay task through the broker. The
council has one webhook endpoint subscribed to that type, pointing at the receiver of
``platform_core.events.testing`` on 127.0.0.1 (signature checked with the endpoint's secret,
de-duplicated on the event id, time of first receipt recorded).

For each transaction size (events per ``atomic`` block, ``--batches``), ``--events`` events are
emitted as fast as one client thread can, and the figures are:
- throughput: events received / (last receipt - first commit);
- latency: receipt time - commit time per event, p50/p95/max;
- arrived, missing, resent (2xx answers beyond the first for one id) and processed twice
  (the receiver's side effect ran more than once for an id: must be 0);
- where the time goes: the emit rate alone, the webhook attempts' HTTP latency as recorded by
  the relay, and the worker's CPU time per event (from /proc: the figure the shared cores' load
  does not inflate).
Every wait has a deadline and prints progress; the worker is killed at the end, whatever happens.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "bench_events"
SLUG = "eventbench"
TYPE = "funding.grant.awarded"
HARD_LIMIT_SECONDS = 1500  # the whole run; SIGALRM ends it if anything hangs


def _database_url(name: str = BENCH_DB) -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return base.rsplit("/", 1)[0] + "/" + name


def _database(url: str, reuse: bool) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"bench/events.py: --database {name!r} is not a plain database name")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reuse:
            return
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _council():
    from django.core.management import call_command

    from tenants.actions import provision_council
    from tenants.models import Council

    print("   migrating; provisioning the council if new (minutes on a loaded machine)")
    call_command("migrate_platform", verbosity=0)
    if not Council.objects.filter(slug=SLUG).exists():
        provision_council(
            name="Eventbench Council",
            slug=SLUG,
            gss_code="E06000996",
            tier="unitary",
            region="north-west",
            admin_email="admin@eventbench.example",
            notify=False,
        )
    return Council.objects.get(slug=SLUG)


def _data(i: int) -> dict:
    return {
        "grant": i,
        "identifier": f"360G-eventbench-{i}",
        "amount": "1500.00",
        "currency": "GBP",
        "award_date": "2026-11-30",
        "recipient": "Bench Community Trust",
        "source": "direct",
    }


def _wait(predicate, timeout: float, what: str, progress=None, every: float = 2.0) -> bool:
    """Poll until ``predicate()`` is true or ``timeout`` passes (False); prints progress."""
    deadline = time.monotonic() + timeout
    next_print = time.monotonic() + every
    while not predicate():
        now = time.monotonic()
        if now > deadline:
            print(f"   !! {what}: not within {timeout:g} s")
            return False
        if progress and now >= next_print:
            print(f"   .. {what}: {progress()}", flush=True)
            next_print = now + every
        time.sleep(0.02)
    return True


def _start_worker(broker: str, log_path: Path) -> subprocess.Popen:
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "platform_core.settings.test",
        "CELERY_BROKER_URL": broker,
        "WEBHOOKS_ALLOW_LOCAL": "1",
    }
    return subprocess.Popen(  # noqa: S603 - our own virtualenv's celery
        [
            str(bin_dir / "celery"),
            "-A",
            "platform_core",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        env=env,
        cwd=ROOT,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def _reset(schema: str, receiver_url: str):
    """A fresh endpoint pointing at this run's receiver; earlier runs' endpoints switched off
    (their rows stay: deleting them could race the worker's last writes)."""
    from django_tenants.utils import schema_context

    from platform_core.events import webhooks
    from platform_core.events.models import WebhookEndpoint

    with schema_context(schema):
        WebhookEndpoint.objects.filter(active=True).update(active=False)
        return webhooks.create_endpoint(
            "bench", url=receiver_url, event_types=[TYPE], description="bench/events.py"
        )


def _emit(schema: str, start: int, n: int, batch: int) -> tuple[dict[str, float], float]:
    """Emit ``n`` events, ``batch`` per transaction; the commit time of each event id."""
    from django.db import transaction
    from django_tenants.utils import schema_context

    from platform_core.events import outbox

    committed: dict[str, float] = {}
    t0 = time.perf_counter()
    with schema_context(schema):
        i = 0
        while i < n:
            ids = []
            with transaction.atomic():
                for _ in range(min(batch, n - i)):
                    grant = start + i
                    ids.append(outbox.emit(TYPE, f"funding/grant/{grant}", _data(grant))["id"])
                    i += 1
            now = time.time()  # after the commit (and its on-commit wake-up)
            for event_id in ids:
                committed[event_id] = now
    return committed, time.perf_counter() - t0


def _relay_figures(schema: str, endpoint, n: int) -> dict:
    from django.db.models import Avg, Max
    from django_tenants.utils import schema_context

    from platform_core.events.models import WebhookAttempt, WebhookDelivery

    with schema_context(schema):
        deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
        # The relay records a batch after its requests: wait (bounded) for the last commit.
        _wait(lambda: deliveries.filter(status="delivered").count() >= n, 30, "recorded")
        attempts = WebhookAttempt.objects.filter(delivery__endpoint=endpoint)
        figures = attempts.aggregate(avg=Avg("latency_ms"), max=Max("latency_ms"))
        return {
            "deliveries_delivered": deliveries.filter(status="delivered").count(),
            "attempts": attempts.count(),
            "failed_attempts": attempts.filter(ok=False).count(),
            "attempt_http_avg_ms": round(figures["avg"] or 0, 1),
            "attempt_http_max_ms": figures["max"],
        }


def _vacuum(schema: str) -> None:
    """VACUUM (ANALYZE) the council's events tables before a run. Every relayed event leaves a
    dead row version in the outbox and in the deliveries (status pending -> delivered), and
    their index entries stay until a vacuum; autovacuum is off on this machine's PostgreSQL, so
    without this each ``--reuse`` run's claims scan every earlier run's dead entries (30 ms a
    claim after 20,000 events, measured). Production's autovacuum does this continuously."""
    from django.db import connection

    tables = ("outboxevent", "webhookdelivery", "webhookattempt", "processedevent")
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'VACUUM (ANALYZE) "{schema}"."events_{table}"')


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads) so far, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_once(
    schema: str, receiver, n: int, batch: int, start: int, wait_s: float, worker_pid: int
) -> dict:
    from bench._setup import percentile

    _vacuum(schema)
    endpoint = _reset(schema, receiver.url)
    receiver.secret = endpoint.secret
    with receiver.lock:
        receiver.requests.clear()
        receiver.accepted.clear()
        receiver.processed.clear()
        receiver.received_at.clear()

    cpu_before = _cpu_seconds(worker_pid)
    committed, emit_s = _emit(schema, start, n, batch)
    print(f"   emitted {n} events in {emit_s:.2f} s ({n / emit_s:.0f}/s), waiting for receipts")

    def arrived() -> int:
        with receiver.lock:
            return sum(1 for k in receiver.received_at if k in committed)

    _wait(lambda: arrived() >= n, wait_s, "receipts", lambda: f"{arrived()}/{n}")
    with receiver.lock:
        received = {k: v for k, v in receiver.received_at.items() if k in committed}
        resent = sum(c - 1 for k, c in receiver.accepted.items() if k in committed and c > 1)
        processed_twice = sum(1 for k, c in receiver.processed.items() if c > 1)
        unverified = sum(1 for r in receiver.requests if not r["verified"])
    latencies = [received[k] - committed[k] for k in received]
    span = (max(received.values()) - min(committed.values())) if received else float("nan")
    drain = (max(received.values()) - min(received.values())) if len(received) > 1 else 0
    result = {
        "batch": batch,
        "events": n,
        "arrived": len(received),
        "missing": n - len(received),
        "resent": resent,
        "processed_twice": processed_twice,
        "unverified_requests": unverified,
        "emit_per_s": round(n / emit_s),
        "events_per_s": round(len(received) / span) if received else 0,
        # first receipt to last: the relay's own rate once events are there
        "relay_per_s": round(len(received) / drain) if drain else 0,
        "p50_ms": round(percentile(latencies, 50) * 1000) if latencies else None,
        "p95_ms": round(percentile(latencies, 95) * 1000) if latencies else None,
        "max_ms": round(max(latencies) * 1000) if latencies else None,
    }
    result.update(_relay_figures(schema, endpoint, n))
    # The worker's CPU per event (relay, webhook requests, Celery): on a machine whose cores are
    # shared this is the figure that does not grow with the load; 1000 / it is what one free
    # core could relay per second.
    result["worker_cpu_ms_per_event"] = round((_cpu_seconds(worker_pid) - cpu_before) * 1000 / n, 2)
    return result


def profile(schema: str, receiver, n: int, start: int, broker: str) -> None:
    """Where the relay's time goes: with the worker stopped, ``n`` events committed at once are
    relayed in this process under cProfile, outbox step and webhook step timed apart."""
    import cProfile
    import io
    import pstats

    import redis
    from django_tenants.utils import schema_context

    from platform_core.events.relay import relay_pending
    from platform_core.events.webhooks import deliver_due

    receiver.secret = _reset(schema, receiver.url).secret
    _emit(schema, start, n, n)
    redis.Redis.from_url(broker, socket_timeout=5).delete("celery")  # no worker: drop wake-up
    prof = cProfile.Profile()
    with schema_context(schema):
        t0 = time.perf_counter()
        prof.enable()
        outbox_counts = relay_pending()
        t1 = time.perf_counter()
        webhook_counts = deliver_due()
        prof.disable()
        t2 = time.perf_counter()
    print(
        f"   profile, {n} events in one transaction, relayed in-process: outbox step "
        f"{t1 - t0:.2f} s ({n / (t1 - t0):.0f}/s, {outbox_counts}), webhook step "
        f"{t2 - t1:.2f} s ({n / (t2 - t1):.0f}/s, {webhook_counts})"
    )
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(25)
    print("\n".join("   " + line for line in out.getvalue().splitlines()[:45]))


def main(argv):
    def option(name, default):
        return argv[argv.index(name) + 1] if name in argv else default

    n = int(option("--events", "2000"))
    batches = [int(b) for b in str(option("--batches", f"1,10,100,{n}")).split(",")]
    broker = os.environ.get("BENCH_EVENTS_BROKER", "redis://127.0.0.1:6379/10")

    def give_up(signum, frame):
        raise TimeoutError(f"bench/events.py: over {HARD_LIMIT_SECONDS} s, stopped")

    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(HARD_LIMIT_SECONDS)

    url = _database_url(option("--database", BENCH_DB))
    _database(url, "--reuse" in argv)
    os.environ["DATABASE_URL"] = url
    # The bench process publishes the wake-ups to the broker, as the web processes do.
    os.environ["CELERY_BROKER_URL"] = broker
    os.environ["WEBHOOKS_ALLOW_LOCAL"] = "1"
    # Production shares a Redis cache between the web processes and the workers (CACHE_URL);
    # the relay's wake-ups are de-duplicated through it. The bench uses the broker's Redis
    # database unless CACHE_URL is given (the worker inherits it).
    if broker.startswith("redis://"):
        os.environ.setdefault("CACHE_URL", broker)
    import django

    django.setup()
    from django.conf import settings

    # Production does not validate each event against its schema on emit (the test settings
    # do); measure what production runs.
    settings.EVENTS_VALIDATE = False
    import redis

    from platform_core.celery import app
    from platform_core.events.testing import Receiver

    assert not app.conf.task_always_eager, "CELERY_BROKER_URL did not reach the Celery app"
    redis.Redis.from_url(broker, socket_timeout=5).delete("celery")  # stale wake-ups
    t0 = time.perf_counter()
    council = _council()
    schema = council.schema_name
    print(
        f"   council {schema} ready in {time.perf_counter() - t0:.0f} s; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )

    receiver = Receiver().start()
    log_path = ROOT / "var" / "bench-events-worker.log"
    log_path.parent.mkdir(exist_ok=True)
    worker = _start_worker(broker, log_path)
    results = []
    try:
        # Warm-up: the worker is ready when one event makes it through.
        print("   starting the worker (warm-up event)")
        warm = run_once(schema, receiver, 1, 1, 0, wait_s=180, worker_pid=worker.pid)
        if warm["arrived"] != 1:
            print(f"   !! the warm-up event never arrived; worker log: {log_path}")
            print(log_path.read_text(errors="replace")[-3000:])
            return
        start = 1
        for batch in batches:
            print(f"-- {n} events, {batch} per transaction")
            result = run_once(
                schema, receiver, n, batch, start, wait_s=max(120.0, n / 20), worker_pid=worker.pid
            )
            start += n
            print("   " + " ".join(f"{k}={v}" for k, v in result.items()), flush=True)
            results.append(result)
        _stop_worker(worker)
        if "--profile" in argv:
            profile(schema, receiver, min(n, 500), start, broker)
    finally:
        _stop_worker(worker)
        receiver.stop()
        signal.alarm(0)
    print(f"   load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("   goals: >= 500 events/s, p95 <= 1000 ms")
    header = (
        "batch",
        "events_per_s",
        "relay_per_s",
        "p50_ms",
        "p95_ms",
        "max_ms",
        "arrived",
        "missing",
        "resent",
        "processed_twice",
        "emit_per_s",
        "attempt_http_avg_ms",
        "worker_cpu_ms_per_event",
    )
    print("| " + " | ".join(header) + " |")
    for r in results:
        print("| " + " | ".join(str(r[h]) for h in header) + " |")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings.test")
    sys.path.insert(0, str(ROOT))
    main(sys.argv[1:])
