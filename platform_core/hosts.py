"""Hosts the platform serves: absolute URLs for them, and the ALLOWED_HOSTS entry that accepts
councils' own domains from the tenants' Domain table (no settings change per council)."""

from contextvars import ContextVar

from django.conf import settings

# The Host of the current request, once the council middleware found it in the Domain table
# (platform_core.middleware.CouncilTenantMiddleware sets it, and clears it after the request).
_council_host: ContextVar[str | None] = ContextVar("council_host", default=None)
# Never equal to a host Django has parsed (hosts are lower-case, without spaces).
_NO_HOST = "<no council host>"


class CouncilDomains(str):
    """An ``ALLOWED_HOSTS`` entry that matches exactly the current request's host when that host
    is a council's domain in the Domain table (a custom domain such as ``www.northshire.gov.uk``
    included), and nothing otherwise. Django validates every ``request.get_host()`` against
    ``ALLOWED_HOSTS`` with ``is_same_domain(host, pattern)``, which compares ``pattern.lower()``
    with the host: this entry lowers to the council host the middleware looked up, so the
    lookup the council routing makes anyway is the validation, and no wildcard is needed.
    A host in neither the static patterns nor the Domain table is refused (400)."""

    def __new__(cls):
        return super().__new__(cls, "<council domains>")

    def lower(self) -> str:
        return _council_host.get() or _NO_HOST

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return (CouncilDomains, ())


COUNCIL_DOMAINS = CouncilDomains()


def allow_council_host(host: str) -> None:
    _council_host.set(host.lower())


def council_host_scope():
    """A token to reset the council host after the request (``_council_host.reset``)."""
    return _council_host.set(None)


def end_council_host_scope(token) -> None:
    _council_host.reset(token)


def council_url(domain: str, path: str = "/") -> str:
    port = settings.PLATFORM_PORT
    scheme = "http" if settings.DEBUG or domain.endswith(".localhost") else "https"
    port_part = f":{port}" if port not in ("80", "443", "") and scheme == "http" else ""
    return f"{scheme}://{domain}{port_part}{path}"
