"""API keys for the public benchmarking API: ``Authorization: Api-Key <key>`` or ``X-Api-Key``.

No key: open read of published values at the anonymous rate. A key: its own (higher) rate. A
key issued to a council (by its administrator, on the council's own domain) also shows that
council its own values still under embargo.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from platform_core.api.throttling import AtomicWindowThrottle
from tenants.models import Council

from ..models import ApiKey


def _raw_key(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("api-key "):
        return header[8:].strip()
    return request.META.get("HTTP_X_API_KEY") or None


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        raw = _raw_key(request)
        if raw is None:
            return None
        key = (
            ApiKey.objects.filter(key_hash=ApiKey.hash(raw), active=True)
            .filter(Q(council__isnull=True) | Q(council__status=Council.Status.ACTIVE))
            .only("pk", "council_id", "rate")
            .first()
        )
        if key is None:  # a suspended or archived council's keys are refused like revoked ones
            raise exceptions.AuthenticationFailed("Unknown or revoked API key.")
        return AnonymousUser(), key

    def authenticate_header(self, request):
        return "Api-Key"


def viewer_council_id(request) -> int | None:
    auth = getattr(request, "auth", None)
    return auth.council_id if isinstance(auth, ApiKey) else None


class PoolRateThrottle(AtomicWindowThrottle):
    """Per key at the key's rate (or the "api_key" rate); per client address otherwise."""

    scope = "anon"

    def allow_request(self, request, view):
        key = request.auth if isinstance(request.auth, ApiKey) else None
        self.scope = "api_key" if key else "anon"
        self.rate = (key.rate if key and key.rate else None) or self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            ident = f"key-{request.auth.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": f"pool-{self.scope}", "ident": ident}


from . import schema as _schema  # noqa: E402, F401  (registers the Api-Key scheme)
