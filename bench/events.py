"""Events benchmark: outbox -> relay -> webhook receiver, with one real Celery worker.

``python -m bench.run events [--events N] [--batches 100,N] [--rate R] [--seconds S]
[--per-transaction 1,10] [--emitters E] [--reuse] [--profile] [--database NAME]``
(DJANGO_SETTINGS_MODULE=platform_core.settings.test; ``make bench BENCH_ARGS="events"``).
NAME defaults to ``bench_events``: two people benchmarking at once pick different names.
The defaults (``--events 2000 --batches 100,2000 --rate 500 --seconds 10 --per-transaction
1,10``) take about 3 minutes with ``--reuse`` on the shared 2-core machine.

Runs in a council of its own in its own database (``bench_events``, next to DATABASE_URL;
``--reuse`` keeps an existing one instead of migrating and provisioning afresh). The broker is
Redis (``BENCH_EVENTS_BROKER``, default ``redis://127.0.0.1:6379/10``); ONE Celery worker
(``--pool=solo``, the production settings of acks-late and prefetch 1) runs the relay. The
worker inherits the environment: ``EVENTS_RELAY_PIPELINE=0`` measures the relay without its
webhook sender thread (the before/after of docs/benchmarks.md), ``WEBHOOKS_CONCURRENCY`` and
``EVENTS_RELAY_BATCH`` reach it too.

Events are emitted the way the app does: ``outbox.emit("funding.grant.awarded", ...)`` inside
``transaction.atomic()`` in the council's schema (one subject per event, so per-subject order
holds nothing back); the commit's on-commit hook wakes the relay task through the broker. The
council has one webhook endpoint subscribed to that type, pointing at the receiver of
``platform_core.events.testing`` on 127.0.0.1, run in a process of its own (not sharing the
emitter's GIL): signature checked with the endpoint's secret, de-duplicated on the event id,
time of first receipt recorded and collected back by the bench.

Two kinds of run:
- **burst** (``--batches``): ``--events`` events emitted as fast as one client thread can,
  that many per ``atomic`` block (``--batches 2000``: one commit of 2,000 events);
- **open loop** (``--rate``, ``--seconds``, ``--per-transaction``): a steady stream of
  ``--rate`` events/s for ``--seconds``, ``--per-transaction`` events per commit, each commit
  made at its scheduled time by ``--emitters`` threads (4) whatever the relay does. "500
  events/s with p95 <= 1 s" is this: the relay keeps up with the offered rate and each event
  arrives within a second of its commit. ``--rate 0`` skips these runs.

Figures of each run:
- throughput: events received / (last receipt - first commit); relay: received / (last
  receipt - first receipt); the emitter's achieved rate (an open loop the emitter could not
  hold is reported as such);
- latency: receipt time - commit time per event, p50/p95/max;
- arrived, missing, resent (2xx answers beyond the first for one id) and processed twice
  (the receiver's side effect ran more than once for an id: must be 0);
- where the time goes: the worker's per-phase wall times (``EVENTS_PHASE_TIMINGS``,
  platform_core/events/timing.py, summed from the worker's log: claims, fan-out, marking,
  signing, HTTP, recording, per event), the webhook attempts' HTTP latency as recorded by the
  relay, and the worker's CPU time per event (from /proc: the figure the shared cores' load
  does not inflate).
Every wait has a deadline and prints progress; the worker and the receiver are killed at the
end, whatever happens.
"""

import json
import os
import signal
import subprocess
import sys
import threading
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
        "EVENTS_PHASE_TIMINGS": "1",
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


class RemoteReceiver:
    """``platform_core.events.testing``'s receiver in a subprocess (``serve``: commands on its
    stdin, JSON answers on its stdout)."""

    def __init__(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "platform_core.events.testing"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.url = self._answer()["url"]

    def _answer(self) -> dict:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the receiver process ended")
        return json.loads(line)

    def command(self, line: str) -> dict:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self._answer()

    def count(self) -> int:
        return self.command("count")["count"]

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.command("quit")
                self.process.wait(timeout=5)
            except Exception:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def _reset(schema: str, receiver_url: str):
    """A fresh endpoint pointing at this run's receiver; earlier runs' endpoints switched off
    (their rows stay: deleting them could race the worker's last writes)."""
    from django_tenants.utils import schema_context

    from platform_core.events import outbox, webhooks
    from platform_core.events.models import OutboxEvent, WebhookDelivery, WebhookEndpoint

    with schema_context(schema):
        # An earlier run stopped halfway (interrupted, timed out) leaves events pending; they
        # would be fanned out to this run's endpoint and counted as its receipts. Dead-letter
        # them (this is the bench's own database), and clear a wake-up key its killed worker
        # left (a commit would otherwise queue no relay run until the key expires).
        OutboxEvent.objects.filter(status="pending").update(status="dead")
        WebhookDelivery.objects.filter(status="pending").update(status="dead")
        outbox.release_wake()
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


def _emit_open_loop(
    schema: str, start: int, rate: float, seconds: float, per_tx: int, emitters: int
) -> tuple[dict[str, float], float]:
    """A steady stream: ``rate`` events/s for ``seconds``, ``per_tx`` per commit, commit ``k``
    made at ``t0 + k * per_tx / rate`` (or as soon as its thread can, when behind) by one of
    ``emitters`` threads, whatever the relay does (an open loop). The commit time of each id."""
    from django.db import connection, transaction
    from django_tenants.utils import schema_context

    from platform_core.events import outbox

    total = int(rate * seconds)
    commits = (total + per_tx - 1) // per_tx
    committed: dict[str, float] = {}
    failures: list[BaseException] = []
    t0 = time.time() + 0.2

    def emitter(k0: int) -> None:
        try:
            with schema_context(schema):
                for k in range(k0, commits, emitters):
                    delay = t0 + k * per_tx / rate - time.time()
                    if delay > 0:
                        time.sleep(delay)
                    ids = []
                    with transaction.atomic():
                        for j in range(k * per_tx, min((k + 1) * per_tx, total)):
                            grant = start + j
                            event = outbox.emit(TYPE, f"funding/grant/{grant}", _data(grant))
                            ids.append(event["id"])
                    now = time.time()
                    for event_id in ids:
                        committed[event_id] = now
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=emitter, args=(i,)) for i in range(emitters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return committed, max(committed.values()) - t0 if committed else float("nan")


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


def _phase_lines(log_path: Path, offset: int) -> list[dict]:
    with log_path.open("rb") as f:
        f.seek(offset)
        text = f.read().decode(errors="replace")
    found = []
    for line in text.splitlines():
        if "events-phases " not in line:
            continue
        try:  # the worker's structured log: {"event": "events-phases {...}", ...}
            line = json.loads(line)["event"]
        except (ValueError, KeyError, TypeError):
            pass
        try:
            found.append(json.loads(line.split("events-phases ", 1)[1]))
        except ValueError:
            continue
    return found


def _phases(log_path: Path, offset: int, n: int) -> dict:
    """The worker's per-phase wall times since ``offset`` in its log, in ms per event (a relay
    run logs its totals when it ends: wait, bounded, for the run that relayed the last ones)."""
    _wait(lambda: bool(_phase_lines(log_path, offset)), 10, "phase timings")
    time.sleep(0.5)
    totals: dict[str, float] = {}
    for line in _phase_lines(log_path, offset):
        for name, value in line.items():
            if isinstance(value, list):
                totals[name] = totals.get(name, 0.0) + value[0]
    return {name: round(seconds * 1000 / n, 3) for name, seconds in sorted(totals.items())}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads) so far, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_once(
    schema: str, receiver, emit, label: dict, n: int, wait_s: float, worker_pid: int, log_path
) -> dict:
    """One run: ``emit()`` commits ``n`` events (returns their commit times and how long it
    took); waits for every receipt; the figures."""
    from bench._setup import percentile

    _vacuum(schema)
    endpoint = _reset(schema, receiver.url)
    receiver.command(f"secret {endpoint.secret}")
    receiver.command("reset")
    log_offset = log_path.stat().st_size

    cpu_before = _cpu_seconds(worker_pid)
    committed, emit_s = emit()
    print(
        f"   emitted {len(committed)} events in {emit_s:.2f} s "
        f"({len(committed) / emit_s:.0f}/s), waiting for receipts"
    )
    arrived_at_end_of_emit = receiver.count()
    _wait(
        lambda: receiver.count() >= n,
        wait_s,
        "receipts",
        lambda: f"{receiver.count()}/{n}",
    )
    stats = receiver.command("stats")
    received = {k: v for k, v in stats["received_at"].items() if k in committed}
    resent = sum(c for k, c in stats["resent"].items() if k in committed)
    latencies = [received[k] - committed[k] for k in received]
    span = (max(received.values()) - min(committed.values())) if received else float("nan")
    drain = (max(received.values()) - min(received.values())) if len(received) > 1 else 0
    result = {
        **label,
        "events": n,
        "arrived": len(received),
        "missing": n - len(received),
        "resent": resent,
        "processed_twice": stats["processed_twice"],
        "unverified_requests": stats["unverified"],
        "emit_per_s": round(len(committed) / emit_s),
        "backlog_at_last_commit": len(committed) - arrived_at_end_of_emit,
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
    result["phases_ms_per_event"] = _phases(log_path, log_offset, n)
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

    receiver.command(f"secret {_reset(schema, receiver.url).secret}")
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
    batches = [int(b) for b in str(option("--batches", f"100,{n}")).split(",") if b]
    rate = float(option("--rate", "500"))
    seconds = float(option("--seconds", "10"))
    per_transaction = [int(p) for p in str(option("--per-transaction", "1,10")).split(",") if p]
    emitters = int(option("--emitters", "4"))
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

    assert not app.conf.task_always_eager, "CELERY_BROKER_URL did not reach the Celery app"
    redis.Redis.from_url(broker, socket_timeout=5).delete("celery")  # stale wake-ups
    t0 = time.perf_counter()
    council = _council()
    schema = council.schema_name
    print(
        f"   council {schema} ready in {time.perf_counter() - t0:.0f} s; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )

    receiver = RemoteReceiver()
    log_path = ROOT / "var" / "bench-events-worker.log"
    log_path.parent.mkdir(exist_ok=True)
    worker = _start_worker(broker, log_path)
    results = []
    pipeline = os.environ.get("EVENTS_RELAY_PIPELINE", "1")
    print(
        f"   EVENTS_RELAY_PIPELINE={pipeline} "
        f"WEBHOOKS_CONCURRENCY={os.environ.get('WEBHOOKS_CONCURRENCY', '8')} "
        f"EVENTS_RELAY_BATCH={os.environ.get('EVENTS_RELAY_BATCH', '100')}"
    )
    try:
        # Warm-up: the worker is ready when one event makes it through.
        print("   starting the worker (warm-up event)")
        warm = run_once(
            schema,
            receiver,
            lambda: _emit(schema, 0, 1, 1),
            {"kind": "warm-up", "per_tx": 1},
            1,
            wait_s=180,
            worker_pid=worker.pid,
            log_path=log_path,
        )
        if warm["arrived"] != 1:
            print(f"   !! the warm-up event never arrived; worker log: {log_path}")
            print(log_path.read_text(errors="replace")[-3000:])
            return
        start = 1
        runs = [("burst", b) for b in batches]
        if rate > 0:
            runs += [("open", p) for p in per_transaction]
        for kind, per_tx in runs:
            first = start
            if kind == "burst":
                count = n
                print(f"-- burst: {n} events, {per_tx} per transaction")

                def emit(first=first, count=count, per_tx=per_tx):
                    return _emit(schema, first, count, per_tx)

                label = {"kind": "burst", "per_tx": per_tx, "offered_per_s": "-"}
            else:
                count = int(rate * seconds)
                print(
                    f"-- open loop: {rate:g} events/s for {seconds:g} s, {per_tx} per "
                    f"transaction, {emitters} emitter threads"
                )

                def emit(first=first, per_tx=per_tx):
                    return _emit_open_loop(schema, first, rate, seconds, per_tx, emitters)

                label = {"kind": "open", "per_tx": per_tx, "offered_per_s": round(rate)}
            result = run_once(
                schema,
                receiver,
                emit,
                label,
                count,
                wait_s=max(120.0, count / 20),
                worker_pid=worker.pid,
                log_path=log_path,
            )
            start += count
            result["load"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
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
        "kind",
        "per_tx",
        "offered_per_s",
        "emit_per_s",
        "events_per_s",
        "relay_per_s",
        "p50_ms",
        "p95_ms",
        "max_ms",
        "arrived",
        "missing",
        "resent",
        "processed_twice",
        "attempt_http_avg_ms",
        "worker_cpu_ms_per_event",
        "load",
    )
    print("| " + " | ".join(header) + " |")
    for r in results:
        print("| " + " | ".join(str(r[h]) for h in header) + " |")
    names = sorted({name for r in results for name in r["phases_ms_per_event"]})
    print("   worker wall time per phase, ms per event (phases of two threads overlap):")
    print("| kind | per_tx | " + " | ".join(names) + " |")
    for r in results:
        phases = r["phases_ms_per_event"]
        cells = " | ".join(str(phases.get(name, "")) for name in names)
        print(f"| {r['kind']} | {r['per_tx']} | {cells} |")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings.test")
    sys.path.insert(0, str(ROOT))
    main(sys.argv[1:])
