"""Prometheus metrics at ``/metrics`` (django-prometheus and prometheus-client).

What is exported:

- request latency and counts by view and method (django-prometheus' middleware:
  ``django_http_requests_latency_seconds_by_view_method`` and friends). No council label: views
  times methods times ~400 councils would be too many series;
- Celery task counts, ``celery_tasks_total{task, state}`` (``published`` where a task is sent,
  ``succeeded``/``failed``/``retried`` where it runs). Workers serve their own registry on
  ``CELERY_METRICS_PORT`` (the Helm chart's worker pods); web pods count what they publish;
- whatever apps add with ``register_collector`` (billing: councils and usage per plan, and each
  council's share of its quotas: the council label is allowed there, one series per council
  and metric).

``/metrics`` answers on any Host (Prometheus scrapes pods by IP), before host validation. With
``METRICS_TOKEN`` set it asks for ``Authorization: Bearer <token>`` (401 otherwise); without it,
only internal callers get an answer: a loopback or private address that did not come through a
proxy (no ``X-Forwarded-For``); anyone else gets a 404, as if nothing were there.

Several gunicorn workers: with ``PROMETHEUS_MULTIPROC_DIR`` set (infra/gunicorn.conf.py, the Helm
chart) every worker writes its samples there and a scrape of any worker adds them all up.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
)

METRICS_PATH = "/metrics"

CELERY_TASKS = Counter(
    "celery_tasks",
    "Celery tasks by name and state (published, succeeded, failed, retried).",
    ["task", "state"],
)

# Collectors of apps (the kernel imports no app: they register themselves in ready()).
_app_registry = CollectorRegistry(auto_describe=True)
_app_collectors: dict[str, object] = {}


def register_collector(name: str, collector) -> None:
    """Add an app's collector to /metrics once (ready() may run more than once in tests)."""
    if name in _app_collectors:
        return
    _app_collectors[name] = collector
    _app_registry.register(collector)


def exposition() -> bytes:
    """The text exposition of every metric: the process's (or, with PROMETHEUS_MULTIPROC_DIR,
    every worker's) plus the apps' collectors."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        base = generate_latest(registry)
    else:
        base = generate_latest(REGISTRY)
    return base + generate_latest(_app_registry)


INTERNAL_NETWORKS = [
    ipaddress.ip_network(n)
    for n in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7")
]


def _internal(request) -> bool:
    """Loopback or a private (RFC 1918, ULA) address, not through a proxy."""
    if request.META.get("HTTP_X_FORWARDED_FOR"):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in INTERNAL_NETWORKS)


def allowed(request) -> bool | None:
    """True: serve; False: 401 (a token is set and was not given); None: 404 (internal only)."""
    token = getattr(settings, "METRICS_TOKEN", None)
    if token:
        given = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, value = given.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.strip(), token)
    return True if _internal(request) else None


class MetricsMiddleware:
    """Serves ``/metrics`` on any host, before host validation and tenant routing."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != METRICS_PATH:
            return self.get_response(request)
        verdict = allowed(request)
        if verdict is None:
            return HttpResponse("Not found.\n", status=404, content_type="text/plain")
        if not verdict:
            response = HttpResponse(
                "A bearer token is required.\n", status=401, content_type="text/plain"
            )
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        if request.method not in ("GET", "HEAD"):
            return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
        response = HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
        response["Cache-Control"] = "no-store"
        return response


# --- Celery -------------------------------------------------------------------------------------


def connect_celery_signals() -> None:
    from celery import signals

    signals.before_task_publish.connect(_published, weak=False, dispatch_uid="metrics-published")
    signals.task_success.connect(_succeeded, weak=False, dispatch_uid="metrics-succeeded")
    signals.task_failure.connect(_failed, weak=False, dispatch_uid="metrics-failed")
    signals.task_retry.connect(_retried, weak=False, dispatch_uid="metrics-retried")
    signals.worker_init.connect(_serve_worker_metrics, weak=False, dispatch_uid="metrics-worker")


def _name(task) -> str:
    return getattr(task, "name", None) or str(task or "unknown")


def _published(sender=None, **kwargs):
    CELERY_TASKS.labels(task=str(sender or "unknown"), state="published").inc()


def _succeeded(sender=None, **kwargs):
    CELERY_TASKS.labels(task=_name(sender), state="succeeded").inc()


def _failed(sender=None, **kwargs):
    CELERY_TASKS.labels(task=_name(sender), state="failed").inc()


def _retried(sender=None, **kwargs):
    CELERY_TASKS.labels(task=_name(sender), state="retried").inc()


def _serve_worker_metrics(**kwargs):
    """A worker serves its metrics on ``CELERY_METRICS_PORT`` (an internal pod port)."""
    port = os.environ.get("CELERY_METRICS_PORT")
    if not port:
        return
    from prometheus_client import start_http_server

    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # prefork children write their samples there
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    start_http_server(int(port), registry=registry)
