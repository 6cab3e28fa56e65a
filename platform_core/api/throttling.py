"""Rate limits for the council and platform APIs (and the sign-up page).

DRF's throttles read their rates when the class is defined; these read them on each request
(``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``), so a deployment (or a test) can change them, and
they identify clients with ``platform_core.clientip.client_ip`` (``TRUSTED_PROXY_COUNT``), never
with a forwarded header a client could forge. Counters live in the default cache, whose keys
carry the council's schema: council A's traffic never uses up council B's allowance.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from platform_core.clientip import client_ip


class _RatesAtCallTime(SimpleRateThrottle):
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
