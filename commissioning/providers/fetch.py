"""Fetching another directory's Open Referral UK feed from a URL, safely (SSRF).

The same rules as webhooks (``platform_core.events.transport``): the host is resolved now, every
address it resolves to must be public (loopback only with ``ORUK_FEED_ALLOW_LOCAL``, for tests),
and the connection goes to the address that was checked, so a DNS answer that changes between the
check and the connection cannot point it inside; TLS is verified against the host name. https or
http only, no credentials in the URL, no redirects followed, one total timeout
(``ORUK_FEED_TIMEOUT_SECONDS``) and a cap on the body (``ORUK_FEED_MAX_BYTES``), read in chunks
so a larger body is refused without being held."""

import ipaddress
import socket
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

from platform_core.events.transport import address_allowed

USER_AGENT = "CouncilPlatform-ORUK-Import/1"


class FetchRefused(Exception):
    """The URL is not one the platform will fetch, or the fetch failed; the message says why."""


def _allow_local() -> bool:
    return bool(getattr(settings, "ORUK_FEED_ALLOW_LOCAL", False))


def _max_bytes() -> int:
    return int(getattr(settings, "ORUK_FEED_MAX_BYTES", 20 * 1024 * 1024))


def check_url(url: str):
    """Checks that need no DNS; returns the split URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http"):
        raise FetchRefused("The feed's URL must start with https:// or http://.")
    if not parts.hostname:
        raise FetchRefused("The feed's URL has no host.")
    if parts.username or parts.password:
        raise FetchRefused("The feed's URL must not contain a user name or password.")
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise FetchRefused(
            "The feed's URL has a port that is not a number from 1 to 65535."
        ) from None
    return parts


def _addresses(host: str, port: int) -> list:
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchRefused(f"The host {host} could not be resolved: {exc}") from exc
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def fetch(url: str) -> bytes:
    """The body of a GET of ``url`` (a 200 answer), or FetchRefused saying why not."""
    parts = check_url(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = _addresses(host, port)
    local = _allow_local()
    if not addresses or not all(address_allowed(a, local=local) for a in addresses):
        raise FetchRefused(
            f"The feed's host {host} is a private, loopback or otherwise non-public address."
        )
    address = str(addresses[0])
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timeout = urllib3.Timeout(total=float(getattr(settings, "ORUK_FEED_TIMEOUT_SECONDS", 15)))
    if parts.scheme == "https":
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            address,
            port,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            server_hostname=host,
            assert_hostname=host,
            retries=False,
            timeout=timeout,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, maxsize=1, retries=False, timeout=timeout)
    host_header = host if ":" not in host else f"[{host}]"
    if port not in (80, 443):
        host_header += f":{port}"
    limit = _max_bytes()
    try:
        response = pool.urlopen(
            "GET",
            path,
            headers={
                "Host": host_header,
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
            },
            redirect=False,
            retries=False,
            preload_content=False,
            timeout=timeout,
        )
        try:
            if response.status != 200:
                reason = " (redirects are not followed)" if 300 <= response.status < 400 else ""
                raise FetchRefused(f"The feed's URL answered HTTP {response.status}{reason}.")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FetchRefused(f"The feed is larger than {limit} bytes.")
            body = bytearray()
            for chunk in response.stream(64 * 1024):
                body += chunk
                if len(body) > limit:
                    raise FetchRefused(f"The feed is larger than {limit} bytes.")
            return bytes(body)
        finally:
            response.release_conn()
    except FetchRefused:
        raise
    except Exception as exc:  # timeouts, refused connections, TLS errors
        raise FetchRefused(f"The feed could not be fetched: {type(exc).__name__}: {exc}") from exc
    finally:
        pool.close()
