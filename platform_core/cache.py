"""The shared cache (Redis) as an optimisation that may fail.

Every cache of the platform (page cache, throttle counters, the benchmarking pool's version,
Wagtail's site paths, renditions) goes through ``ResilientRedisCache`` when ``CACHE_URL`` is set.
It is Django's ``RedisCache`` with three changes:

- short connect and read timeouts (``CACHE_CONNECT_TIMEOUT``, ``CACHE_SOCKET_TIMEOUT``) and no
  retries, so a frozen Redis costs a request at most one short timeout;
- a connection or timeout error is never raised to the caller: a read answers "missing", a write
  is dropped (logged), so pages and APIs are served uncached. ``incr``/``decr`` raise
  ``CacheUnavailable`` instead, because a caller that counts (throttles) needs to know;
- after an error the cache is skipped (a small circuit breaker, shared by every thread of the
  process) while a background thread pings Redis every ``CACHE_RETRY_SECONDS``: an outage costs
  the requests in flight when it starts one timeout each, later requests none, and the cache is
  used again within that interval (plus one round trip) of Redis answering.

``status()`` tells readiness whether each cache is ``ok`` or ``degraded`` (docs/operations.md,
"When a dependency fails").
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)


class CacheUnavailable(Exception):
    """The shared cache cannot be reached (raised by ``incr``/``decr`` only)."""


def _connection_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class _Breaker:
    """Whether to try Redis now. After a connection error the cache is skipped (no request waits
    for it) while one background thread per process pings Redis every ``seconds``; the first
    answer closes the breaker again."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.lock = threading.Lock()
        self.failing_since: float | None = None
        self.last_error = ""
        self.prober: threading.Thread | None = None

    def allows(self) -> bool:
        return self.failing_since is None

    def failed(self, exc: BaseException, ping) -> None:
        with self.lock:
            first = self.failing_since is None
            if first:
                self.failing_since = time.monotonic()
            self.last_error = f"{type(exc).__name__}: {exc}"[:300]
            if self.prober is None or not self.prober.is_alive():
                self.prober = threading.Thread(
                    target=self._probe, args=(ping,), name="cache-probe", daemon=True
                )
                self.prober.start()
        if first:
            log.warning("cache: Redis unavailable, serving uncached (%s)", self.last_error)

    def _probe(self, ping) -> None:
        while self.failing_since is not None:
            time.sleep(self.seconds)
            try:
                ping()
            except Exception as exc:  # noqa: BLE001 - any failure: still down
                self.last_error = f"{type(exc).__name__}: {exc}"[:300]
                continue
            self.succeeded()

    def succeeded(self) -> None:
        if self.failing_since is None:
            return
        with self.lock:
            if self.failing_since is None:
                return
            down = time.monotonic() - self.failing_since
            self.failing_since = None
            self.last_error = ""
        log.warning("cache: Redis back after %.1f s", down)

    @property
    def degraded(self) -> bool:
        return self.failing_since is not None


_breakers: dict[str, _Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker_for(location: str, seconds: float) -> _Breaker:
    with _breakers_lock:
        breaker = _breakers.get(location)
        if breaker is None:
            breaker = _breakers[location] = _Breaker(seconds)
        breaker.seconds = seconds
        return breaker


_MISSING = object()


class ResilientRedisCache(RedisCache):
    """Django's RedisCache that degrades to "no cache" on connection errors (module docstring).

    ``RETRY_SECONDS`` (a top-level key of the cache's settings) is the breaker's interval."""

    def __init__(self, server, params):
        super().__init__(server, params)
        location = server if isinstance(server, str) else ",".join(server)
        self._breaker = _breaker_for(location, float(params.get("RETRY_SECONDS", 0.25)))

    def _guard(self, operation, fallback: Any = None, *, raising: bool = False):
        breaker = self._breaker
        if not breaker.allows():
            if raising:
                raise CacheUnavailable(breaker.last_error)
            return fallback
        try:
            result = operation()
        except _connection_errors() as exc:
            breaker.failed(exc, self._ping)
            if raising:
                raise CacheUnavailable(str(exc)) from exc
            return fallback
        # Only the background ping closes the breaker: a call that did not reach Redis (an
        # empty set_many) proves nothing.
        return result

    @property
    def degraded(self) -> bool:
        return self._breaker.degraded

    def _ping(self):
        return self._cache.get_client().ping()  # type: ignore[attr-defined]

    def ping(self) -> bool:
        """One round trip to Redis (readiness); False when it cannot be reached, at once while
        the breaker is open."""
        return bool(self._guard(self._ping, False))

    # Reads: "missing" when Redis cannot be reached.
    def get(self, key, default=None, version=None):
        return self._guard(
            lambda: super(ResilientRedisCache, self).get(key, default, version), default
        )

    def get_many(self, keys, version=None):
        return self._guard(lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._guard(lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    # Writes: dropped when Redis cannot be reached.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), False
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guard(lambda: super(ResilientRedisCache, self).set(key, value, timeout, version))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key, version=None):
        return self._guard(lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        self._guard(lambda: super(ResilientRedisCache, self).delete_many(keys, version))

    def clear(self):
        return self._guard(lambda: super(ResilientRedisCache, self).clear(), False)

    # Counters: the caller must know the count was not kept.
    def incr(self, key, delta=1, version=None):
        return self._guard(
            lambda: super(ResilientRedisCache, self).incr(key, delta, version), raising=True
        )

    def count(self, key, *, timeout: int | None = None, read=(), version=None):
        """One more on a counter, in one round trip (a pipeline of ``SET NX EX``, ``INCR`` and a
        ``GET`` of each key in ``read``): created with an expiry of ``timeout`` seconds when
        missing. Returns (the count, [the values read]). Raises ``CacheUnavailable``."""

        def operation():
            made = self.make_and_validate_key(key, version=version)
            client = self._cache.get_client(made, write=True)  # type: ignore[attr-defined]
            pipe = client.pipeline()
            pipe.set(made, 0, ex=timeout, nx=True)
            pipe.incr(made)
            for other in read:
                pipe.get(self.make_and_validate_key(other, version=version))
            answers = pipe.execute()
            values = [
                None if raw is None else self._cache._serializer.loads(raw)  # type: ignore[attr-defined]
                for raw in answers[2:]
            ]
            return int(answers[1]), values

        return self._guard(operation, raising=True)


def status(*, probe: bool = True) -> dict[str, str]:
    """Each cache alias: ``ok``, ``degraded`` (Redis cannot be reached: serving uncached) or
    ``local`` (a per-process or on-disk cache: no shared cache configured)."""
    from django.conf import settings
    from django.core.cache import caches

    result = {}
    for alias in settings.CACHES:
        cache = caches[alias]
        if isinstance(cache, ResilientRedisCache):
            healthy = cache.ping() if probe else not cache.degraded
            result[alias] = "ok" if healthy else "degraded"
        elif isinstance(cache, RedisCache):
            result[alias] = "ok"
        else:
            result[alias] = "local"
    return result


def count(cache, key: str, *, timeout: int | None = None, read=()) -> tuple[int, list]:
    """One more on ``key`` (created with an expiry of ``timeout`` seconds when missing), and the
    values of the keys in ``read``: one round trip on the Redis cache. Returns (the count, [the
    values]). Raises ``CacheUnavailable`` when the shared cache cannot be reached."""
    if isinstance(cache, ResilientRedisCache):
        return cache.count(key, timeout=timeout, read=read)
    cache.add(key, 0, timeout)
    total = int(cache.incr(key))
    return total, [cache.get(other) for other in read]


def incr_with_expiry(cache, key: str, seconds: int) -> int:
    """Atomically count one more hit on ``key``, created with an expiry of ``seconds``
    (Redis ``SET NX EX`` then ``INCRBY``: concurrent callers never lose a count). Raises
    ``CacheUnavailable`` when the shared cache cannot be reached."""
    for _ in range(3):
        cache.add(key, 0, seconds)
        try:
            return int(cache.incr(key))
        except ValueError:  # expired between the add and the incr: start the window again
            continue
    raise CacheUnavailable(f"could not count {key}")
