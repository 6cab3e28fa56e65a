"""Billing fixtures: the shared cache on a real Redis (TEST_REDIS_URL), cleaned of the test
councils' billing keys before and after; a tiny plan to reach quotas with."""

import os
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from records.conftest import file_plan_a, moto_endpoint, records_client_a  # noqa: F401


def _redis_url() -> str:
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _clean(councils):
    from django.core.cache import caches

    from billing import metering, money
    from billing.models import COUNTED

    period = metering.current_period()
    for council in councils:
        with schema_context(council.schema_name):
            keys = [metering.LIMITS_KEY] + [
                metering.counter_key(metric, p)
                for metric in COUNTED
                for p in (period, money.previous_month(period))
            ]
            caches["default"].delete_many(keys)


@pytest.fixture
def redis_cache(settings, council_a, council_b):
    """The platform's caches on a real Redis, configured as production configures them."""
    import redis

    from platform_core.settings.base import redis_cache as redis_config

    url = _redis_url()
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not reachable at {url} (TEST_REDIS_URL)")
    config = redis_config(url)
    settings.CACHES = {"default": config, "renditions": config}
    _clean([council_a, council_b])
    yield url
    _clean([council_a, council_b])


@pytest.fixture
def tiny_plan(db):
    from billing.models import Plan

    return Plan.objects.create(
        slug="tiny",
        name="Tiny",
        monthly_price=Decimal("10.00"),
        storage_quota=50_000,
        api_calls_quota=3,
        staff_users_quota=2,
        page_views_quota=1000,
        extra_staff_user_price=Decimal("5.00"),
        page_views_overage_price=Decimal("0.50"),
    )
