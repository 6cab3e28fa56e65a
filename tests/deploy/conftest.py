"""Deployment tests reuse moto's S3 server (records/conftest.py) and the Redis check
(platform_core/tests/conftest.py)."""

from platform_core.tests.conftest import redis_url  # noqa: F401 - fixture
from records.conftest import moto_endpoint  # noqa: F401 - fixture
