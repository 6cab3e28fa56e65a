"""Observability: every log line is one JSON object carrying the request id and the council;
the request id is accepted, answered and carried to tasks; Sentry events are tagged with the
council, environment and release; /metrics serves request latency, Celery task counts and
per-plan usage, behind a bearer token or to internal callers only."""

import gzip
import io
import json
import logging
import logging.config
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import structlog

from platform_core import observability

pytestmark = pytest.mark.django_db

API = "/api/v1/records/classes/"


@pytest.fixture
def log_lines(settings):
    """Everything logged (stdlib and structlog, INFO and up) as parsed JSON lines."""
    stream = io.StringIO()
    logging.config.dictConfig(observability.logging_config("INFO", "json", stream=stream))
    # dictConfig's "stream" takes an object as well as an ext:// name.

    def lines():
        raw = [line for line in stream.getvalue().splitlines() if line.strip()]
        return [json.loads(line) for line in raw]  # each line must be one JSON object

    yield lines
    logging.config.dictConfig(settings.LOGGING)


def test_every_log_line_is_json_with_the_request_id_and_council(client_a, log_lines):
    response = client_a.get("/api/v1/no-such-endpoint/", HTTP_X_REQUEST_ID="req-abc.123")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-abc.123"
    lines = log_lines()
    # Django's own (stdlib) "Not Found" warning and the platform's request line.
    loggers = {line["logger"] for line in lines}
    assert {"django.request", "platform.request"} <= loggers, lines
    for line in lines:
        assert line["request_id"] == "req-abc.123", line
        assert line["council"] == "alphaford", line
        assert {"timestamp", "level", "event"} <= set(line), line
    request = next(line for line in lines if line["logger"] == "platform.request")
    assert request["status"] == 404 and request["method"] == "GET"


def test_an_implausible_request_id_is_replaced(client_a, log_lines):
    response = client_a.get(API, HTTP_X_REQUEST_ID="bad id\u00e9" + "x" * 200)
    assert response.status_code == 200
    made = response["X-Request-ID"]
    assert made != "" and " " not in made and len(made) == 32
    assert all(line["request_id"] == made for line in log_lines())


def test_platform_domain_lines_have_no_council(log_lines, platform_host):
    from django.test import Client

    Client(HTTP_HOST=platform_host).get("/", HTTP_X_REQUEST_ID="platform-req")
    lines = [line for line in log_lines() if line["logger"] == "platform.request"]
    assert lines and all(line["council"] is None for line in lines)


def test_a_line_outside_a_request_still_has_both_fields(log_lines, council_a):
    from django_tenants.utils import schema_context

    structlog.contextvars.clear_contextvars()
    with schema_context(council_a.schema_name):
        logging.getLogger("some.library").warning("inside a council's schema")
    structlog.get_logger("platform.test").warning("outside", extra_field=1)
    first, second = log_lines()
    assert first["council"] == "alphaford" and first["request_id"] is None
    assert second["council"] is None and second["extra_field"] == 1


def test_a_worker_runs_a_task_with_the_request_id_of_the_request_that_sent_it(
    council_a, redis_url, celery_worker
):
    """A real worker (subprocess, Redis broker): the id travels in the message headers and is
    bound to the task's log context in the worker, in the council's schema."""
    from celery.result import allow_join_result
    from django_tenants.utils import schema_context
    from tenant_schemas_celery.app import CeleryApp

    queue = celery_worker(redis_url, result_backend=redis_url)
    producer = CeleryApp("probe", broker=redis_url, backend=redis_url, set_as_current=False)
    try:
        observability.bind_request("req-to-worker-1", "alphaford")
        with schema_context(council_a.schema_name):
            result = producer.send_task("platform_core.ping", queue=queue)
        with allow_join_result():  # not inside a task (see test_tenant_safety's same call)
            answer = result.get(timeout=60)
    finally:
        structlog.contextvars.clear_contextvars()
        output = celery_worker.output()
    assert answer["request_id"] == "req-to-worker-1", output
    assert answer["schema"] == council_a.schema_name


def test_a_task_enqueued_by_a_request_carries_its_request_id():
    from platform_core.observability import _carry_request_id

    observability.bind_request("req-for-task", "alphaford")
    headers: dict = {}
    _carry_request_id(headers=headers)
    assert headers == {"request_id": "req-for-task"}
    structlog.contextvars.clear_contextvars()


class _SentryIntake(BaseHTTPRequestHandler):
    """A local stand-in for Sentry's ingestion endpoint (the SDK's real HTTP transport)."""

    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        lines = body.splitlines()
        for header, payload in zip(lines[1:], lines[2:], strict=False):
            try:
                kind = json.loads(header).get("type")
            except (ValueError, AttributeError):
                continue
            if kind in ("event", "transaction"):
                self.received.append({"type": kind, **json.loads(payload)})
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_intake(settings):
    import sentry_sdk

    _SentryIntake.received = []
    server = HTTPServer(("127.0.0.1", 0), _SentryIntake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SENTRY_ENVIRONMENT = "staging"
    settings.SENTRY_RELEASE = "cp@1.2.3"
    settings.SENTRY_TRACES_SAMPLE_RATE = 1.0
    observability.init_sentry(f"http://public@127.0.0.1:{server.server_port}/1")
    yield _SentryIntake.received
    sentry_sdk.get_client().close(timeout=2)
    sentry_sdk.init()  # no DSN: off again
    server.shutdown()


def test_sentry_events_carry_council_environment_and_release(sentry_intake, client_a):
    import sentry_sdk

    observability.bind_request("evt-1", "alphaford")
    sentry_sdk.capture_message("billing check")
    with sentry_sdk.start_transaction(name="GET /api/v1/records/classes/", op="http.server"):
        pass
    sentry_sdk.get_client().flush(timeout=5)
    events = {item["type"]: item for item in sentry_intake}
    assert set(events) == {"event", "transaction"}, sentry_intake
    for item in events.values():
        assert item["environment"] == "staging"
        assert item["release"] == "cp@1.2.3"
        assert item["tags"]["council"] == "alphaford"
        assert item["tags"]["request_id"] == "evt-1"


def test_traces_sample_rate_outside_0_to_1_refuses_to_start():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "SENTRY_TRACES_SAMPLE_RATE": "5",
        "DJANGO_SETTINGS_MODULE": "platform_core.settings.test",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SENTRY_TRACES_SAMPLE_RATE must be between 0 and 1" in result.stderr


# --- /metrics ------------------------------------------------------------------------------------


def test_metrics_need_the_bearer_token(settings, client):
    settings.METRICS_TOKEN = "scrape-secret"
    assert client.get("/metrics", HTTP_HOST="10.1.2.3:8000").status_code == 401
    wrong = client.get("/metrics", HTTP_HOST="10.1.2.3", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401 and wrong["WWW-Authenticate"].startswith("Bearer")
    right = client.get("/metrics", HTTP_HOST="10.1.2.3", HTTP_AUTHORIZATION="Bearer scrape-secret")
    assert right.status_code == 200
    assert right["Content-Type"].startswith("text/plain")


def test_metrics_without_a_token_answer_internal_callers_only(settings, client):
    settings.METRICS_TOKEN = None
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_HOST="anything").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.5", HTTP_HOST="10.0.0.9").status_code == 200
    public = client.get("/metrics", REMOTE_ADDR="81.2.69.160", HTTP_HOST="platform.localhost")
    assert public.status_code == 404
    proxied = client.get("/metrics", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="81.2.69.160")
    assert proxied.status_code == 404  # came in through the ingress: not internal


def test_metrics_show_latency_task_counts_and_usage_per_plan(settings, client, client_a, council_a):
    from datetime import date

    from billing import actions, metering
    from billing.models import Metric
    from platform_core.tasks import ping

    settings.METRICS_TOKEN = "t"
    client_a.get(API)
    ping.delay()  # eager here: counted where it runs
    actions.record_count(council_a, metering.current_period(), Metric.API_CALLS, 50_000)
    assert metering.current_period() <= date.today()
    body = client.get("/metrics", HTTP_AUTHORIZATION="Bearer t").content.decode()
    assert "django_http_requests_latency_seconds_by_view_method_bucket{" in body
    assert 'celery_tasks_total{state="succeeded",task="platform_core.ping"}' in body
    assert 'billing_councils{plan="starter"}' in body
    assert 'billing_usage{metric="api_calls",plan="starter"} 50000.0' in body
    assert 'billing_quota_used_ratio{council="alphaford",metric="api_calls"} 0.5' in body
    # No council label on request metrics (cardinality).
    latency = [
        line for line in body.splitlines() if line.startswith("django_http_requests_latency")
    ]
    assert latency and not any("council=" in line for line in latency)
