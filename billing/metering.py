"""Metering: API calls and page views counted in Redis, storage and staff users measured.

Counting must cost a request next to nothing, ask the database nothing, and never fail one:

- each council's counter for the month is a Redis key of the shared cache
  (``<schema>:1:billing:<metric>:<YYYY-MM>``: the cache's key function puts the council's schema
  first) holding the month's running total: one round trip per count (a pipeline of
  ``SET NX EX``, ``INCR`` and, for API calls, a ``GET`` of the council's published limits);
- the council's limits (``<schema>:1:billing:limits``: the plan's monthly API calls) are
  published to the cache when the council subscribes or changes plan, and again by every flush;
- the beat task ``billing.flush_usage`` copies each counter into ``Usage`` (the larger of the two
  wins, so a flush is idempotent), and lifts a counter that is behind the database (Redis
  restarted and lost it) back to the database's total;
- when Redis cannot be reached (``CacheUnavailable``: the cache's circuit breaker is open) the
  request is served, not counted and not refused: metering fails open, in the council's favour
  (``billing_meter_dropped_total`` counts what was lost).

Uploads are checked against storage from the database (an upload is rare and slow anyway), so
the storage quota holds whether Redis answers or not.
"""

from __future__ import annotations

import logging
import os
from datetime import date

from django.core.cache import caches
from django.utils import timezone
from django_tenants.utils import schema_context

from platform_core.cache import CacheUnavailable
from platform_core.cache import count as cache_count

from .models import Metric, Subscription, Usage

log = logging.getLogger(__name__)

COUNTER_SECONDS = 45 * 24 * 3600  # a month's counter outlives the month by a fortnight
LIMITS_SECONDS = 24 * 3600  # republished by every flush (each minute)
CACHE_ALIAS = "default"
LIMITS_KEY = "billing:limits"


def current_period(today: date | None = None) -> date:
    return (today or timezone.localdate()).replace(day=1)


def counter_key(metric: str, period: date) -> str:
    return f"billing:{metric}:{period:%Y-%m}"


def _cache():
    return caches[CACHE_ALIAS]


def publish_limits(council, plan=None) -> dict | None:
    """Put the council's plan limits where the request path reads them (its schema's key).
    ``plan``: the council's plan when the caller has just subscribed it (saves reading it)."""
    if plan is None:
        subscription = Subscription.objects.select_related("plan").filter(council=council).first()
        plan = subscription.plan if subscription is not None else None
    limits = (
        None if plan is None else {"plan": plan.slug, Metric.API_CALLS.value: plan.api_calls_quota}
    )
    with schema_context(council.schema_name):
        if limits is None:
            _cache().delete(LIMITS_KEY)
        else:
            _cache().set(LIMITS_KEY, limits, LIMITS_SECONDS)
    return limits


def count(metric: str, period: date | None = None) -> tuple[int, dict | None] | None:
    """Count one more ``metric`` for the current schema's council. Returns (the month's running
    total, the council's published limits or None), or None when Redis cannot be reached (not
    counted: fail open)."""
    period = period or current_period()
    try:
        total, (limits,) = cache_count(
            _cache(), counter_key(metric, period), timeout=COUNTER_SECONDS, read=(LIMITS_KEY,)
        )
    except CacheUnavailable:
        _record_dropped(metric)
        return None
    return total, limits


def uncount(metric: str, period: date | None = None) -> None:
    """Take back one count (a refused request is not a use)."""
    try:
        _cache().decr(counter_key(metric, period or current_period()))
    except (CacheUnavailable, ValueError):
        pass


def pending(metric: str, period: date) -> int | None:
    """The counter's running total for the current schema (None: no counter, or no Redis)."""
    value = _cache().get(counter_key(metric, period))
    return None if value is None else int(value)


def catch_up(metric: str, period: date, stored: int, counted: int | None) -> None:
    """The current schema's counter is behind the database's total (Redis restarted and lost
    it, or never had it): lift it to that total, so quotas count from there."""
    key = counter_key(metric, period)
    try:
        if counted is None:
            _cache().add(key, stored, COUNTER_SECONDS)
        else:
            _cache().incr(key, stored - counted)
    except (CacheUnavailable, ValueError):
        pass


def stored_bytes(council, period: date | None = None) -> tuple[int, int | None]:
    """(bytes the council stores as last measured plus accepted uploads, its storage quota or
    None without a plan), from the database."""
    period = period or current_period()
    subscription = Subscription.objects.select_related("plan").filter(council=council).first()
    row = Usage.objects.filter(council=council, period=period, metric=Metric.STORAGE).first()
    if row is None:  # a new month: the last measurement stands until the next one
        row = (
            Usage.objects.filter(council=council, metric=Metric.STORAGE).order_by("-period").first()
        )
    return (row.latest if row else 0), (subscription.plan.storage_quota if subscription else None)


def _record_dropped(metric: str) -> None:
    from . import metrics

    metrics.METER_DROPPED.labels(metric=metric).inc()


# --- Measured metrics (run inside the council's schema) ------------------------------------------


def storage_bytes() -> dict[str, int]:
    """Bytes the current council stores: ``records`` (record content under ``records/`` in its
    private area) and ``media`` (everything else: documents, original images, renditions),
    read from the storage itself (S3 listing or the filesystem), whichever backend is set."""
    from django.core.files.storage import storages

    totals = {"records": 0, "media": 0}
    for alias in ("default", "public"):
        storage = storages[alias]
        for name, size in _walk(storage):
            kind = "records" if alias == "default" and name.startswith("records/") else "media"
            totals[kind] += size
    return totals


def _walk(storage):
    """(name relative to the council's area, size) of every stored object."""
    if hasattr(storage, "bucket_name"):
        prefix = storage.location.rstrip("/") + "/"
        paginator = storage.connection.meta.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=storage.bucket_name, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"][len(prefix) :], int(item["Size"])
        return
    root = storage.location
    if not os.path.isdir(root):
        return
    for directory, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            try:
                size = os.path.getsize(path)
            except OSError:  # removed while we walked
                continue
            yield os.path.relpath(path, root).replace(os.sep, "/"), size


def staff_users() -> int:
    """Active staff accounts of the current council (its schema's users)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True, is_staff=True).count()
