"""Production: every secret and service comes from the environment; refuse to start without them.

No embedded stand-in is acceptable here: without a broker, tasks would run inside web requests
and beat's schedules (disposal, pool publication, scheduled publishing) would never run; without
a shared cache, each process would keep its own page cache and a publish would clear only one.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, env, env_bool

REQUIRED = {
    "SECRET_KEY": (env("SECRET_KEY"), "Django's signing key"),
    "DATABASE_URL": (env("DATABASE_URL"), "PostgreSQL URL"),
    "PLATFORM_DOMAIN": (env("PLATFORM_DOMAIN"), "host of the platform site and console"),
    "AUDIT_SIGNING_KEY": (env("AUDIT_SIGNING_KEY"), "signs audit checkpoints"),
    "CELERY_BROKER_URL": (env("CELERY_BROKER_URL"), "Celery broker (Redis or RabbitMQ)"),
    "CACHE_URL": (env("CACHE_URL"), "Redis URL of the cache shared by every process"),
}
_missing = [f"{name} ({meaning})" for name, (value, meaning) in REQUIRED.items() if not value]
if _missing:
    raise ImproperlyConfigured(
        "Production settings refuse to start without: " + ", ".join(_missing) + "."
    )

DEBUG = False
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", "production")
# A database that does not answer fails the request (and /readyz) in seconds, never hangs it.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Webhook endpoints are https on public addresses only (SSRF): never loopback or private.
WEBHOOKS_ALLOW_LOCAL = False
