"""Local development: ``make run``. Embedded defaults for every external part."""

from .base import *  # noqa: F403
from .base import env_bool

# Visitors see the branded 404/500 pages, never tracebacks or URL lists; `DEBUG=1 make run`
# turns Django's debug pages on. WhiteNoise serves static files either way.
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = ["*"]  # any *.localhost; unknown hosts still get the platform's 404

if not REDIS_CACHE_URL:  # noqa: F405
    # `make run` serves with several gunicorn workers: a cache on disk is shared by all of them,
    # so publishing a page clears it everywhere (in-process memory would not be).
    CACHES = {  # noqa: F405
        alias: {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache" / alias),  # noqa: F405
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
        for alias in ("default", "renditions")
    }

# `make run`: a webhook receiver on http://127.0.0.1 is allowed (production refuses it).
WEBHOOKS_ALLOW_LOCAL = True
