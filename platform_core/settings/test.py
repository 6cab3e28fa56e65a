"""Test settings: fast hashing, eager tasks unless a broker is given, media under var/test-media."""

import hashlib
import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, VAR_DIR, logging_config

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each checkout gets its own test database so parallel work trees never collide.
_checkout = hashlib.sha1(str(BASE_DIR).encode()).hexdigest()[:8]  # noqa: S324
DATABASES["default"]["TEST"] = {"NAME": f"test_cp_{_checkout}"}
# pytest-xdist workers (`make test` runs two) each get their own test database (pytest-django
# adds the worker id to its name) and their own media root, so the same council schema in two
# workers' databases never shares files.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(VAR_DIR / "test-media" / _xdist_worker))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The production formatter (one JSON format), quieter.
LOGGING = logging_config("WARNING")
# Rate limits count across the whole test session (the cache outlives each test's transaction),
# so the suite runs with limits no test reaches; the rate-limit tests set their own.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],  # noqa: F405
        "anon": "100000/min",
        "user": "100000/min",
        "signup": "100000/min",
        "password_reset": "100000/min",
        "password_reset_account": "100000/min",
        "participation": "100000/min",
    },
}
# Every test runs inside one transaction that is rolled back; a refusal written on a separate
# connection would be committed and outlive the test. Tests of durable refusals turn it on
# (with committed data): records/tests/test_durable_refusals.py.
AUDIT_AUTONOMOUS_WRITES = False
# Every emitted event is checked against its schema in the catalogue (platform_core/events).
EVENTS_VALIDATE = True

# Tests serve static files from their sources (WhiteNoise's finders), never from a STATIC_ROOT
# that `make run` collected earlier and that may be older than the sources.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Webhook receivers in tests listen on http://127.0.0.1 (production refuses loopback).
WEBHOOKS_ALLOW_LOCAL = True
# No warm pool unless a test asks for one (tenants/tests/test_pool.py): councils provisioned by
# tests copy the template, and no test session spends time filling a pool.
TENANT_WARM_POOL_SIZE = 0
