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


@pytest.fixture
def published_a(council_a, in_council):
    """Council A shares two metrics with values across disclosure-control cases, and publishes."""
    from intelligence.benchmarking.actions import publish_council
    from intelligence.warehouse.actions import import_observations, save_metric

    with in_council(council_a):
        save_metric(
            metric_id="homeless-households",
            title="Homeless households",
            kind="count",
            polarity="lower",
            shared=True,
        )
        save_metric(
            metric_id="recycling-rate",
            title="Household waste recycled",
            kind="percentage",
            polarity="higher",
            unit="%",
            shared=True,
        )
        save_metric(metric_id="private-metric", title="Not shared", kind="score")
        import_observations(
            "metric_id,area_code,period,value,numerator,denominator\n"
            "homeless-households,E06000901,2023-24,7,,\n"
            "homeless-households,E06000901,2024-25,123,,\n"
            "homeless-households,E05000001,2024-25,50,,\n"
            "recycling-rate,E06000901,2023-24,50,4,8\n"
            "recycling-rate,E06000901,2024-25,41.5,415,1000\n"
            "private-metric,E06000901,2024-25,3,,\n"
        )
    return publish_council(council_a)
