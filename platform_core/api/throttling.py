"""Rate limits for the council and platform APIs (and the sign-up page).

DRF's throttles read their rates when the class is defined; these read them on each request
(``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``), so a deployment (or a test) can change them, and
they identify clients with ``platform_core.clientip.client_ip`` (``TRUSTED_PROXY_COUNT``), never
with a forwarded header a client could forge. Counters live in the default cache, whose keys
carry the council's schema: council A's traffic never uses up council B's allowance.

Counting is atomic (``AtomicWindowThrottle``): one counter per client and fixed window, created
with its expiry and incremented by Redis (``SET NX EX`` + ``INCRBY``), so concurrent requests
never overshoot the limit (DRF's own throttle reads a list, appends and writes it back: under
concurrency two requests read the same list and both pass). When the shared cache cannot be
reached, each process counts in its own memory (the limit then applies per process).
"""

import threading

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from platform_core.cache import CacheUnavailable, incr_with_expiry
from platform_core.clientip import client_ip


class _LocalCounters:
    """Per-process fixed-window counters, used while the shared cache is unavailable."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, expires_at: float, now: float) -> int:
        with self.lock:
            if len(self.counts) > 10_000:
                self.counts = {k: v for k, v in self.counts.items() if v[0] > now}
            _, count = self.counts.get(key, (expires_at, 0))
            self.counts[key] = (expires_at, count + 1)
            return count + 1


_local = _LocalCounters()


class AtomicWindowThrottle(SimpleRateThrottle):
    """DRF's SimpleRateThrottle with an atomic fixed-window counter (module docstring).
    Subclasses set ``self.rate``/``num_requests``/``duration`` as DRF's do."""

    num_requests: int | None
    duration: int | None

    def allow_request(self, request, view):
        if self.rate is None or self.num_requests is None or self.duration is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        duration = max(int(self.duration), 1)
        window = int(self.now // duration)
        self.window_ends = (window + 1) * duration
        key = f"{self.key}:w{window}"
        try:
            count = incr_with_expiry(self.cache, key, duration + 1)
        except CacheUnavailable:
            count = _local.hit(key, self.window_ends, self.now)
        return count <= self.num_requests

    def wait(self):
        return max(0.0, self.window_ends - self.now)


class _RatesAtCallTime(AtomicWindowThrottle):
    def __init__(self):
        pass  # DRF resolves the rate here, at import-time settings; done per request below

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")

    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class AnonThrottle(_RatesAtCallTime, AnonRateThrottle):
    """Anonymous callers, per client address (rate ``anon``)."""


class UserThrottle(_RatesAtCallTime, UserRateThrottle):
    """Signed-in callers, per user (rate ``user``); anonymous callers per client address."""


class ClientAddressThrottle(_RatesAtCallTime, SimpleRateThrottle):
    """A limit per client address for a plain Django view:
    ``ClientAddressThrottle("signup").allow(request)``."""

    def __init__(self, scope: str):
        self.scope = scope

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow(self, request) -> bool:
        return self.allow_request(request, None)


class KeyedThrottle(_RatesAtCallTime, SimpleRateThrottle):
    """A limit per key the caller chooses (an account asked about, hashed):
    ``KeyedThrottle("password_reset_account", digest).allow(request)``."""

    def __init__(self, scope: str, ident: str):
        self.scope = scope
        self.ident = ident

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}

    def allow(self, request) -> bool:
        return self.allow_request(request, None)
