import pytest


@pytest.fixture
def metrics_a(council_a, in_council, catalogue):
    """Three metrics in council A's warehouse: a shared count and a shared rate (mapped onto
    the catalogue metrics of the same ids), a private score."""
    from intelligence.warehouse.actions import save_metric

    with in_council(council_a):
        return {
            "count": save_metric(
                metric_id="homeless-households",
                title="Homeless households",
                kind="count",
                polarity="lower",
                shared=True,
            ),
            "rate": save_metric(
                metric_id="recycling-rate",
                title="Household waste recycled",
                kind="percentage",
                polarity="higher",
                unit="%",
                shared=True,
            ),
            "score": save_metric(
                metric_id="imd-score",
                title="Deprivation score",
                kind="score",
                polarity="lower",
                category="needs",
            ),
        }


@pytest.fixture
def api_platform_values(db, platform_host):
    """How many councils report a metric in the public benchmarking pool."""
    from django.core.cache import cache
    from django.test import Client

    def count(metric_id):
        cache.clear()
        response = Client(HTTP_HOST=platform_host).get(
            f"/api/v1/benchmarks/metrics/{metric_id}/values/"
        )
        return response.json()["count"]

    return count
