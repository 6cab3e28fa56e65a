from django.conf import settings
from django.db import connection

from .hosts import council_url


def platform(request):
    tenant = getattr(connection, "tenant", None)
    council = tenant if tenant is not None and not getattr(tenant, "is_public", True) else None
    return {
        "council": council,
        "PLATFORM_DOMAIN": settings.PLATFORM_DOMAIN,
        "PLATFORM_URL": council_url(settings.PLATFORM_DOMAIN),
    }
