"""Absolute URLs for a host the platform serves (the platform's own domain or a council's)."""

from django.conf import settings


def council_url(domain: str, path: str = "/") -> str:
    port = settings.PLATFORM_PORT
    scheme = "http" if settings.DEBUG or domain.endswith(".localhost") else "https"
    port_part = f":{port}" if port not in ("80", "443", "") and scheme == "http" else ""
    return f"{scheme}://{domain}{port_part}{path}"
