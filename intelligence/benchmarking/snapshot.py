"""An in-process snapshot of the pool's slowly changing parts: metrics, members, tiers, regions
and nearest neighbours; and, for readers without embargo rights, the publicly visible values of
a (metric, period) and tables derived from them, keyed by the pool's version and the date (so a
publication or an embargo ending is seen at once). Readers with embargo rights read the pool.

The snapshot is rebuilt when the pool's version changes. The version lives in Django's cache
(Redis in production, so every process sees a bump at once) and is bumped by every write that
changes these parts (publishing, seeding, nearest neighbours); a snapshot also expires after
``BENCHMARK_SNAPSHOT_SECONDS`` (default 300) as a backstop.
"""

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name, schema_context

VERSION_KEY = "benchmarking:pool-version"
_lock = threading.Lock()
_state: dict = {"version": None, "loaded_at": 0.0, "data": None}


@dataclass(frozen=True)
class Member:
    pk: int
    gss_code: str
    name: str
    tier: str
    region: str
    council_id: int | None


@dataclass
class Snapshot:
    metrics: dict = field(default_factory=dict)  # metric_id -> PoolMetric
    members: dict[str, Member] = field(default_factory=dict)  # gss_code -> Member
    by_pk: dict[int, Member] = field(default_factory=dict)
    tiers: dict[str, set[int]] = field(default_factory=dict)
    regions: dict[str, set[int]] = field(default_factory=dict)
    neighbours: dict[int, set[int]] = field(default_factory=dict)
    by_council: dict[int, int] = field(default_factory=dict)  # council id -> member pk
    last_modified: datetime | None = None  # latest publication or catalogue change (Last-Modified)


def _in_public_schema(operation):
    """The version is platform-wide state: its cache key must carry the public schema whichever
    council's schema is active (cache keys carry the current schema), e.g. when an on-commit
    callback runs after a council's request has switched back to its own schema."""
    public = get_public_schema_name()
    if connection.schema_name == public:
        return operation()
    with schema_context(public):
        return operation()


def bump_version() -> None:
    """Call after any write to metrics, members or neighbours (now, and again on commit so that
    no process keeps a snapshot loaded before the write was visible)."""

    def bump():
        _in_public_schema(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None))

    bump()
    transaction.on_commit(bump, robust=True)  # a cache failure never fails the commit


# While the shared cache cannot be reached, a process reuses its snapshot for this long.
UNCACHED_VERSION_SECONDS = 5


def _version() -> str:
    def read():
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, None)
            version = cache.get(VERSION_KEY)
        if version is None:
            # The shared cache cannot be reached (platform_core.cache): serve from a snapshot
            # at most UNCACHED_VERSION_SECONDS old instead of reloading on every request.
            version = f"uncached-{int(time.monotonic() // UNCACHED_VERSION_SECONDS)}"
        return version

    return _in_public_schema(read)


def _load() -> Snapshot:
    from .models import NearestNeighbour, PoolMember, PoolMetric

    snap = Snapshot()
    snap.metrics = {m.metric_id: m for m in PoolMetric.objects.all()}
    stamps = [m.updated_at for m in snap.metrics.values() if m.updated_at]
    for pk, code, name, tier, region, council_id, published in PoolMember.objects.values_list(
        "pk", "gss_code", "name", "tier", "region", "council_id", "last_published_at"
    ):
        member = Member(pk, code, name, tier, region, council_id)
        if published:
            stamps.append(published)
        snap.members[code] = member
        snap.by_pk[pk] = member
        snap.tiers.setdefault(tier, set()).add(pk)
        if council_id:
            snap.by_council[council_id] = pk
        if region:
            snap.regions.setdefault(region, set()).add(pk)
    snap.last_modified = max(stamps, default=None)
    for member_id, neighbour_id in NearestNeighbour.objects.values_list(
        "member_id", "neighbour_id"
    ):
        snap.neighbours.setdefault(member_id, set()).add(neighbour_id)
    return snap


def get_snapshot() -> Snapshot:
    version = _version()
    ttl = getattr(settings, "BENCHMARK_SNAPSHOT_SECONDS", 300)
    state = _state
    if state["version"] == version and time.monotonic() - state["loaded_at"] < ttl:
        return state["data"]
    with _lock:
        data = _load()
        state.update(version=version, loaded_at=time.monotonic(), data=data)
    return data


# --- Published values by (metric, period), for readers without embargo rights ----------------
# Values only change when a council publishes (which bumps the version), and what the public may
# see changes at midnight (embargo dates), so (version, date, metric, period) identifies a table.
_PERIOD_CACHE_SIZE = 512
_period_cache: OrderedDict[tuple, list] = OrderedDict()


def public_period_rows(metric_pk: int, period: str) -> list[tuple[int, float | None, bool]]:
    """(member id, value, suppressed) of every publicly visible value of a metric in a period."""
    from django.utils import timezone

    from .access import visible_values

    key = (_version(), timezone.localdate(), metric_pk, period)
    with _lock:
        rows = _period_cache.get(key)
        if rows is not None:
            _period_cache.move_to_end(key)
            return rows
    rows = list(
        visible_values(None)
        .filter(metric_id=metric_pk, period=period)
        .values_list("member_id", "value", "suppressed")
    )
    with _lock:
        _period_cache[key] = rows
        while len(_period_cache) > _PERIOD_CACHE_SIZE:
            _period_cache.popitem(last=False)
    return rows


def cached_public(key: tuple, build):
    """A value derived from public values (e.g. a group's ranked table), cached like the tables."""
    from django.utils import timezone

    full_key = ("derived", _version(), timezone.localdate(), *key)
    with _lock:
        value = _period_cache.get(full_key)
        if value is not None:
            _period_cache.move_to_end(full_key)
            return value
    value = build()
    with _lock:
        _period_cache[full_key] = value
        while len(_period_cache) > _PERIOD_CACHE_SIZE:
            _period_cache.popitem(last=False)
    return value
