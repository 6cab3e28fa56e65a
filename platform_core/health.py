"""Liveness and readiness, answered before host validation and tenant routing.

``/healthz`` (liveness): the process answers; it touches no other service, so a database outage
never makes Kubernetes restart every web pod. ``/readyz`` (readiness): the database, the shared
cache, the Celery broker and file storage, each reported ``ok``, ``degraded`` or ``down``:

- ``ok``: it answered, within ``HEALTH_SLOW_SECONDS`` (setting);
- ``degraded``: it answered slowly, or the process runs on its embedded stand-in (an in-process
  cache, tasks run eagerly without a broker, files on the local disk), which is fine on a
  laptop and wrong for more than one process;
- ``down``: it failed or did not answer within ``HEALTH_TIMEOUT_SECONDS`` (setting).

Only the database being down makes the answer 503 (the pod leaves the load balancer): without
the cache, the broker or storage, pages are still served (docs/operations.md). Both paths answer
on any Host (a pod IP, a load balancer's health check), over plain HTTP (before the HTTPS
redirect), and never touch a council's schema.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
OK, DEGRADED, DOWN = "ok", "degraded", "down"

# Checks other than the database run here, bounded by HEALTH_TIMEOUT_SECONDS as a whole.
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readiness")


class Check:
    """One dependency's answer: ``status`` and a short ``detail`` (never a secret)."""

    def __init__(self, status: str, detail: str = ""):
        self.status = status
        self.detail = detail


def check_database() -> Check:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Check(OK, connection.vendor)


def check_cache() -> Check:
    from django.core.cache import caches

    from platform_core.cache import status as cache_status

    cache = caches["default"]
    backend = type(cache).__name__
    # The resilient Redis cache skips Redis while it cannot be reached (platform_core/cache.py):
    # pages and APIs are served uncached meanwhile, so that is "degraded", not "down".
    if cache_status().get("default") == "degraded":
        return Check(DEGRADED, f"{backend}: Redis unreachable, serving uncached")
    key = f"readiness:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    answered = cache.get(key)
    cache.delete(key)
    if answered != "1":
        return Check(DOWN, f"{backend}: a value written was not read back")
    if "LocMem" in backend:
        return Check(DEGRADED, "in-process cache: not shared between processes")
    return Check(OK, backend)


def check_broker() -> Check:
    url = getattr(settings, "CELERY_BROKER_URL", None)
    if not url:
        return Check(DEGRADED, "no broker: tasks run inside the request")
    from kombu import Connection

    timeout = settings.HEALTH_TIMEOUT_SECONDS
    with Connection(url, connect_timeout=timeout) as conn:
        conn.ensure_connection(max_retries=1, timeout=timeout)
        transport = conn.transport_cls
    return Check(OK, str(transport))


def check_storage() -> Check:
    from django.core.files.storage import storages

    storage = storages["default"]
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        storage.connection.meta.client.head_bucket(Bucket=bucket)  # type: ignore[attr-defined]
        return Check(OK, "s3")
    root = settings.MEDIA_ROOT
    if os.path.isdir(root) and os.access(root, os.W_OK):
        return Check(DEGRADED, "local disk: not shared between machines")
    return Check(DOWN, "local media folder missing or not writable")


CHECKS: dict[str, Callable[[], Check]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "storage": check_storage,
}


def _timed(check: Callable[[], Check]) -> dict:
    started = time.monotonic()
    try:
        result = check()
    except Exception as exc:  # noqa: BLE001 - any failure of the dependency is "down"
        # The error's first line (a server's message: no credentials), for the operator.
        first_line = (str(exc).strip().splitlines() or [""])[0][:160]
        result = Check(DOWN, f"{type(exc).__name__}: {first_line}".rstrip(": "))
    seconds = time.monotonic() - started
    if result.status == OK and seconds > settings.HEALTH_SLOW_SECONDS:
        result = Check(DEGRADED, f"slow: {seconds:.2f}s")
    answer = {"status": result.status, "ms": round(seconds * 1000, 1)}
    if result.detail:
        answer["detail"] = result.detail
    return answer


def readiness() -> tuple[int, dict]:
    """Runs every check (the database on this thread and its own connection, the others in
    parallel) and returns the HTTP status and the JSON body."""
    others = {
        name: _pool.submit(_timed, check) for name, check in CHECKS.items() if name != "database"
    }
    results = {"database": _timed(CHECKS["database"])}
    timeout = settings.HEALTH_TIMEOUT_SECONDS
    deadline = time.monotonic() + timeout
    for name, future in others.items():
        try:
            results[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            results[name] = {"status": DOWN, "detail": f"no answer in {timeout:g}s"}
    statuses = {r["status"] for r in results.values()}
    if results["database"]["status"] == DOWN:
        overall = DOWN
    elif statuses == {OK}:
        overall = OK
    else:
        overall = DEGRADED
    return (503 if overall == DOWN else 200), {"status": overall, "checks": results}


def liveness_response() -> HttpResponse:
    return _no_store(JsonResponse({"status": OK}))


def readiness_response() -> HttpResponse:
    status, body = readiness()
    return _no_store(JsonResponse(body, status=status))


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


class HealthMiddleware:
    """First in MIDDLEWARE: answers the two health paths for any Host and scheme, before host
    validation, the HTTPS redirect and the council lookup (a probe by pod IP has no council)."""

    PATHS = {LIVENESS_PATH: liveness_response, READINESS_PATH: readiness_response}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        answer = self.PATHS.get(request.path_info)
        if answer is not None and request.method in ("GET", "HEAD"):
            return answer()
        return self.get_response(request)
