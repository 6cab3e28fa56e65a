"""Sending one webhook request safely (SSRF): the host is resolved at delivery time, every
address it resolves to must be public (``is_global``; loopback only with
``WEBHOOKS_ALLOW_LOCAL``), and the connection goes to the address that was checked (a DNS answer
that changes between the check and the connection cannot point it inside), with TLS verified
against the host name. No redirects are followed; each attempt has a total timeout."""

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

USER_AGENT = "CouncilPlatform-Webhooks/1"


class UnsafeURL(ValueError):
    """The endpoint's URL is not one the platform will call (scheme, host or address)."""


def allow_local() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_LOCAL", False))


def check_url(url: str) -> None:
    """Checks that need no DNS (used when a subscription is saved): https (http only to
    127.0.0.1/localhost with ``WEBHOOKS_ALLOW_LOCAL``), a host, no credentials, and an address
    literal must be allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise UnsafeURL("The URL must start with https://.")
    if not parts.hostname:
        raise UnsafeURL("The URL has no host.")
    if parts.username or parts.password:
        raise UnsafeURL("The URL must not contain a user name or password.")
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise UnsafeURL("The URL's port is not a number from 1 to 65535.") from exc
    local_host = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme == "http" and not (allow_local() and local_host):
        raise UnsafeURL("The URL must start with https://.")
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        if parts.hostname == "localhost" and not allow_local():
            raise UnsafeURL("The URL's host is a private or loopback address.") from None
        return
    if not address_allowed(address):
        raise UnsafeURL("The URL's host is a private or loopback address.")


def address_allowed(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, *, local: bool | None = None
) -> bool:
    """A public (global, not multicast) address; loopback only when ``local`` (by default
    ``WEBHOOKS_ALLOW_LOCAL``). Other outbound fetches (ORUK feeds) pass their own setting."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback:
        return allow_local() if local is None else local
    return address.is_global and not address.is_multicast


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    address: str
    path: str


def resolve(url: str) -> Target:
    """Resolve the URL's host now and check every address (UnsafeURL if one is not allowed)."""
    check_url(url)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise UnsafeURL(f"The host {host} could not be resolved: {exc}") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not addresses or not all(address_allowed(a) for a in addresses):
        raise UnsafeURL(f"The host {host} resolves to a private or loopback address.")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(parts.scheme, host, port, str(addresses[0]), path)


_pools: dict[tuple, urllib3.HTTPConnectionPool] = {}
_pools_lock = threading.Lock()


def _pool(target: Target) -> urllib3.HTTPConnectionPool:
    key = (target.scheme, target.address, target.port, target.host)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            if len(_pools) > 200:
                for old in _pools.values():
                    old.close()
                _pools.clear()
            size = int(getattr(settings, "WEBHOOKS_CONCURRENCY", 8))
            if target.scheme == "https":
                pool = urllib3.HTTPSConnectionPool(
                    target.address,
                    target.port,
                    maxsize=size,
                    cert_reqs="CERT_REQUIRED",
                    server_hostname=target.host,
                    assert_hostname=target.host,
                    retries=False,
                )
            else:
                pool = urllib3.HTTPConnectionPool(
                    target.address, target.port, maxsize=size, retries=False
                )
            _pools[key] = pool
    return pool


@dataclass
class Outcome:
    ok: bool
    status_code: int | None
    latency_ms: int
    error: str = ""


def resolve_or_refusal(url: str) -> Target | UnsafeURL:
    """``resolve``, with the refusal returned instead of raised (a sender resolves each endpoint
    once per batch and passes the result to ``post``)."""
    try:
        return resolve(url)
    except UnsafeURL as exc:
        return exc


def post(
    url: str, body: bytes, headers: dict[str, str], target: Target | UnsafeURL | None = None
) -> Outcome:
    """POST ``body`` to ``url``; never raises. 2xx is success; anything else (3xx included: no
    redirects are followed), a timeout or a refused address is a failure. ``target``: the
    URL's address as ``resolve_or_refusal`` checked it moments ago (resolved here if not
    given); the connection goes to that address, never to a fresh DNS answer."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    if target is None:
        target = resolve_or_refusal(url)
    if isinstance(target, UnsafeURL):
        return Outcome(False, None, took(), str(target)[:500])
    port_suffix = "" if target.port in (80, 443) else f":{target.port}"
    host_header = target.host if ":" not in target.host else f"[{target.host}]"
    timeout = float(getattr(settings, "WEBHOOKS_TIMEOUT_SECONDS", 5))
    try:
        response = _pool(target).urlopen(
            "POST",
            target.path,
            body=body,
            headers={
                **headers,
                "Host": host_header + port_suffix,
                "User-Agent": USER_AGENT,
            },
            timeout=urllib3.Timeout(total=timeout),
            redirect=False,
            retries=False,
            preload_content=False,
        )
        response.drain_conn()  # the body is not used; bounded by the total timeout
    except Exception as exc:  # timeouts, refused connections, TLS errors: a failed attempt
        return Outcome(False, None, took(), f"{type(exc).__name__}: {exc}"[:500])
    status = response.status
    if 200 <= status < 300:
        return Outcome(True, status, took())
    reason = "redirect not followed" if 300 <= status < 400 else "not a 2xx answer"
    return Outcome(False, status, took(), f"HTTP {status} ({reason})")
