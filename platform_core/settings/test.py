"""Test settings: fast hashing, eager tasks unless a broker is given, media under var/test-media."""

import hashlib
import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, VAR_DIR

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each checkout gets its own test database so parallel work trees never collide.
_checkout = hashlib.sha1(str(BASE_DIR).encode()).hexdigest()[:8]  # noqa: S324
DATABASES["default"]["TEST"] = {"NAME": f"test_cp_{_checkout}"}
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(VAR_DIR / "test-media"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
