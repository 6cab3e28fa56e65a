"""The client's address, as far as the platform can trust it.

Every rate limit and sign-in lockout is keyed by this one function (DRF throttles, django-axes,
the sign-up page), so they all agree. ``X-Forwarded-For`` is read only when
``TRUSTED_PROXY_COUNT`` says how many proxies of ours stand in front of the application: each of
them appends the address it saw, so the client is the N-th entry from the right and anything a
client writes further left is ignored. With the default of 0 the header is ignored completely and
the socket's address (``REMOTE_ADDR``) is used: a forged header can never reset a limit.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    candidate = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote  # a proxy of ours never writes garbage; a client might: not trusted
