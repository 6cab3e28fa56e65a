"""Anonymous service page throughput: tenant routing vs a single-tenant baseline, cached vs not.

Runs against its own database (``bench_web``): migrates it, provisions a council with the demo
site, then serves it with gunicorn (2 sync workers) and loads it with wrk on 127.0.0.1:

* routed, uncached  – the full platform, page cache off        (the tenant routing figure)
* single, uncached  – tenant routing bypassed (bench.single_tenant), page cache off (baseline)
* routed, cached    – the full platform with the anonymous page cache

Rounds alternate the three servers so drift hits all of them; medians are reported.
``--quick`` runs short rounds (under a minute in all).
"""

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "benchtown"
LUA = """
done = function(summary, latency, requests)
  io.write(string.format('{"rps": %f, "p50_ms": %f, "p95_ms": %f, "errors": %d, "requests": %d}\\n',
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout, summary.requests))
end
"""


def _bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return base.rsplit("/", 1)[0] + "/bench_web"


def prepare(database_url: str) -> str:
    """Create and migrate the bench database, provision the council with its site; returns the
    service page's path."""
    import psycopg

    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'bench_web'").fetchone()
        if not exists:
            conn.execute("CREATE DATABASE bench_web")
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django_tenants.utils import schema_context

    from cms.demo import build_site
    from tenants.actions import ensure_platform_tenant, provision_council
    from tenants.models import Council
    from tenants.template import build_template

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_platform_tenant()
    build_template()
    council = Council.objects.filter(slug=SLUG).first()
    if council is None:
        council = provision_council(
            name="Benchtown Council",
            slug=SLUG,
            gss_code="E06000990",
            tier="unitary",
            admin_email="admin@benchtown.example",
            notify=False,
        ).council
    with schema_context(council.schema_name):
        pages = build_site(council)
        return council, pages["service"].url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(settings_module: str, cache_seconds: int, schema: str):
    port = _free_port()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE=settings_module,
        CMS_PAGE_CACHE_SECONDS=str(cache_seconds),
        BENCH_SCHEMA=schema,
        PYTHONPATH=str(ROOT),
    )
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "platform_core.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return proc, port


def wait_ready(port: int, host: str, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
            with urllib.request.urlopen(req, timeout=5) as resp:  # noqa: S310 - loopback only
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server on port {port} did not answer 200 for {path}")


def load(port: int, host: str, path: str, seconds: int, script: str) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            "-c8",
            f"-d{seconds}s",
            "-H",
            f"Host: {host}",
            "-s",
            script,
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = [x for x in out.splitlines() if x.startswith("{")][-1]
    return json.loads(line)


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    rounds, seconds = (3, 2) if quick else (10, 6)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk); cannot run the pages benchmark")
        return
    council, path = prepare(_bench_database_url())
    host = council.primary_domain
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA)
        script = f.name
    variants = {
        "routed, uncached": ("platform_core.settings.test", 0),
        "single-tenant baseline, uncached": ("bench.single_tenant", 0),
        "routed, cached": ("platform_core.settings.test", 300),
    }
    servers = {}
    try:
        for name, (settings_module, cache_seconds) in variants.items():
            proc, port = start_server(settings_module, cache_seconds, council.schema_name)
            servers[name] = (proc, port)
            wait_ready(port, host, path)
        results: dict[str, list[dict]] = {name: [] for name in variants}
        for _proc, port in servers.values():
            load(
                port, host, path, 1 if quick else 2, script
            )  # warm-up (fills the cache in both workers)
        for _ in range(rounds):
            for name, (_proc, port) in servers.items():
                results[name].append(load(port, host, path, seconds, script))
    finally:
        for proc, _port in servers.values():
            proc.terminate()
            proc.wait(timeout=10)
        os.unlink(script)

    med = {
        name: {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50_ms", "p95_ms")}
        for name, runs in results.items()
    }
    errors = {name: sum(r["errors"] for r in runs) for name, runs in results.items()}
    print(
        f"page: {path} on {host}; gunicorn 2 sync workers; wrk 1 thread, 8 connections; "
        f"{rounds} rounds x {seconds}s, medians"
    )
    for name, m in med.items():
        print(
            f"  {name:34s} {m['rps']:8.1f} req/s   p50 {m['p50_ms']:6.1f} ms   p95 {m['p95_ms']:6.1f} ms   errors {errors[name]}"
        )
    # Ratios per round (the three servers measured back to back), then the median: the machine is
    # shared, so drift between rounds is larger than the differences being measured.
    names = list(variants)
    routing = [
        r["rps"] / s["rps"] for r, s in zip(results[names[0]], results[names[1]], strict=True)
    ]
    caching = [
        c["rps"] / r["rps"] for c, r in zip(results[names[2]], results[names[0]], strict=True)
    ]
    ratio = statistics.median(routing)
    print(
        f"  tenant routing cost: {(1 - ratio) * 100:.1f}% of throughput (median per-round routed/single "
        f"= {ratio:.3f}, rounds {min(routing):.3f}..{max(routing):.3f}; goal <= 5%)"
    )
    print(
        f"  cached vs uncached: {statistics.median(caching):.1f}x (median per-round, rounds "
        f"{min(caching):.1f}..{max(caching):.1f}; goal >= 10x)"
    )
    print(f"  load average at end: {os.getloadavg()[0]:.2f} (the build machine is shared)")
