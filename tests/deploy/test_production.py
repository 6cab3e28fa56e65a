"""The production settings, booted for real: gunicorn with DJANGO_SETTINGS_MODULE=production in
a subprocess, against the machine's PostgreSQL (this session's test database, where the test
councils are committed), a Redis (databases 11 and 12, never 0) and moto's S3 server over HTTP.
It walks a council page, a council's custom domain from the Domain table, the console sign-in
page and the health endpoints by pod IP, and checks what production refuses."""

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from records.conftest import BUCKET

ROOT = Path(__file__).resolve().parents[2]
CUSTOM_DOMAIN = "alphaford-council.example"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_url(db: int) -> str:
    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    return f"{base}/{db}"


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "AWS_", "CELERY_", "CACHE_", "PYTEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="platform_core.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        AUDIT_SIGNING_KEY=secrets.token_urlsafe(32),
        DATABASE_URL=database_url,
        PLATFORM_DOMAIN="platform.localhost",
        COUNCIL_DOMAIN_SUFFIX="localhost",
        CELERY_BROKER_URL=_redis_url(11),
        CACHE_URL=_redis_url(12),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        HEALTH_SLOW_SECONDS="30",
        HEALTH_TIMEOUT_SECONDS="30",  # a loaded CI machine is slow, not degraded
    )
    env.update(extra)
    return env


def _database_url() -> str:
    from conftest import worker_database_url

    return worker_database_url()


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )


@pytest.mark.django_db
def test_production_refuses_to_start_without_broker_and_shared_cache():
    env = production_env(_database_url())
    for name in ("CELERY_BROKER_URL", "CACHE_URL", "SECRET_KEY"):
        env.pop(name)
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    for name in ("CELERY_BROKER_URL", "CACHE_URL", "SECRET_KEY"):
        assert name in last
    assert "DATABASE_URL" not in last


@pytest.mark.django_db
def test_check_deploy_passes_under_production_settings():
    result = _run(["manage.py", "check", "--deploy"], production_env(_database_url()))
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    # Every deployment (security.*) check passes; what is left are other apps' OpenAPI notes.
    assert "security." not in output, output
    assert "(urls." not in output and "(templates." not in output, output


METRICS_TOKEN = "prod-scrape-token"


class Server:
    def __init__(self, port: int, log_path: Path | None = None):
        self.port = port
        self.log_path = log_path

    def get(self, path: str, host: str, https: bool = True, **headers: str):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        if https:  # the load balancer terminates TLS and says so
            headers["X-Forwarded-Proto"] = "https"
        conn.request("GET", path, headers={"Host": host, **headers})
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        conn.close()
        return response, body


@pytest.fixture
def production_server(django_db_setup, django_db_blocker, moto_endpoint, tmp_path):
    from tenants.models import Council, Domain

    with django_db_blocker.unblock():
        alphaford = Council.objects.get(slug="alphaford")
        Domain.objects.get_or_create(
            domain=CUSTOM_DOMAIN, defaults={"tenant": alphaford, "is_primary": False}
        )
        database_url = _database_url()
    port = _free_port()
    env = production_env(
        database_url,
        PORT=str(port),
        WEB_CONCURRENCY="1",
        WEB_THREADS="2",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=moto_endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",  # noqa: S106 - moto's dummy credentials
        METRICS_TOKEN=METRICS_TOKEN,
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
        LOG_LEVEL="INFO",
    )
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "platform_core.wsgi:application"]
        + ["-c", "infra/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(port, tmp_path / "gunicorn.log")
    try:
        deadline = time.monotonic() + 600  # a loaded 2-core CI machine boots slowly
        while True:
            if process.poll() is not None:
                pytest.fail("gunicorn exited:\n" + (tmp_path / "gunicorn.log").read_text())
            try:
                response, _ = server.get("/healthz", "10.0.0.7:8000", https=False)
                if response.status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("gunicorn never answered:\n" + (tmp_path / "gunicorn.log").read_text())
            time.sleep(0.5)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        with django_db_blocker.unblock():
            Domain.objects.filter(domain=CUSTOM_DOMAIN).delete()


def test_production_serves_health_councils_and_console(production_server):
    server = production_server

    # Probes by pod IP, over plain HTTP (no redirect to HTTPS, no host validation).
    response, body = server.get("/healthz", "10.0.0.7:8000", https=False)
    assert response.status == 200 and '"ok"' in body
    # The first answers may be slow while the worker imports its clients: wait for "ok".
    deadline = time.monotonic() + 60
    while True:
        response, body = server.get("/readyz", "10.0.0.7:8000", https=False)
        readiness = json.loads(body)
        if readiness["status"] == "ok" or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert response.status == 200, body
    assert {name: c["status"] for name, c in readiness["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "storage": "ok",
    }, readiness
    assert readiness["status"] == "ok"

    # A council's page on its platform subdomain, and on its own domain from the Domain table.
    response, body = server.get("/", "alphaford.localhost")
    assert response.status == 200, body[:500]
    assert "Alphaford Council" in body
    response, body = server.get("/", f"www.{CUSTOM_DOMAIN}")
    assert response.status == 200, body[:500]
    assert "Alphaford Council" in body
    assert "max-age=31536000" in response.getheader("Strict-Transport-Security", "")

    # Plain HTTP to a site is redirected to HTTPS.
    response, _ = server.get("/", "alphaford.localhost", https=False)
    assert response.status == 301
    assert response.getheader("Location", "").startswith("https://alphaford.localhost/")

    # The console's sign-in page, with a Secure CSRF cookie.
    response, body = server.get("/console/login/", "platform.localhost")
    assert response.status == 200, body[:500]
    assert 'name="username"' in body
    assert "Secure" in response.getheader("Set-Cookie", "")

    # A host in neither the static patterns nor the Domain table: refused.
    response, _ = server.get("/", "attacker.example")
    assert response.status == 400
    # An unknown council subdomain: the platform's own 404.
    response, body = server.get("/", "nowhere.localhost")
    assert response.status == 404

    # A request id from the load balancer comes back, and is on the request's log line.
    response, _ = server.get("/", "alphaford.localhost", **{"X-Request-ID": "lb-7f3a"})
    assert response.getheader("X-Request-ID") == "lb-7f3a"

    # /metrics by pod IP with Prometheus' bearer token (multiprocess: every worker's samples).
    response, _ = server.get("/metrics", "10.0.0.7:8000", https=False)
    assert response.status == 401
    response, body = server.get(
        "/metrics", "10.0.0.7:8000", https=False, Authorization=f"Bearer {METRICS_TOKEN}"
    )
    assert response.status == 200, body[:500]
    assert "django_http_requests_latency_seconds_by_view_method_bucket{" in body
    assert 'billing_councils{plan="starter"}' in body

    # Every line the server wrote is one JSON object; the council request's line names its
    # request id and council.
    lines = []
    for raw in server.log_path.read_text().splitlines():
        try:
            lines.append(json.loads(raw))
        except ValueError:
            pytest.fail(f"a log line is not JSON: {raw!r}")
    assert lines
    assert all(
        {"timestamp", "level", "event", "request_id", "council"} <= set(line) for line in lines
    )
    request = [line for line in lines if line.get("request_id") == "lb-7f3a"]
    assert request and all(line["council"] == "alphaford" for line in request), request
