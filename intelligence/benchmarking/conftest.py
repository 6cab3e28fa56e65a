import pytest


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(db, platform_host):
    from rest_framework.test import APIClient

    return APIClient(HTTP_HOST=platform_host)


@pytest.fixture
def small_pool(db):
    """A synthetic pool: 40 councils x 8 metrics x 3 years, with nearest neighbours."""
    from intelligence.benchmarking.seeding import seed_pool

    return seed_pool(councils=40, metrics=8, years=3, last_year=2024)


A_VALUES = [  # (metric, period, value, numerator, denominator) before disclosure control
    ("homeless-households", "2023-24", 7, None, None),
    ("homeless-households", "2024-25", 123, None, None),
    ("recycling-rate", "2023-24", 50, 4, 8),
    ("recycling-rate", "2024-25", 41.5, 415, 1000),
]


@pytest.fixture
def publish_a(council_a, catalogue):
    """``publish_a(embargo_until=None, values=A_VALUES)``: council A's publication, handed to
    the pool as the warehouse would (the pool applies disclosure control again)."""
    from intelligence.benchmarking.actions import PublishedValue, publish_values

    def publish(embargo_until=None, values=A_VALUES):
        return publish_values(
            council_a,
            [PublishedValue(m, p, v, n, d, source_metric=m) for m, p, v, n, d in values],
            embargo_until=embargo_until,
        )

    return publish


@pytest.fixture
def published_a(publish_a):
    """Council A has published two metrics with values across disclosure-control cases."""
    return publish_a()
