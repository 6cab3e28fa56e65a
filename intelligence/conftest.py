"""Fixtures shared by the warehouse and the benchmarking pool."""

import pytest


@pytest.fixture
def catalogue(db):
    """Two catalogue metrics (platform data), as platform staff would define them."""
    from intelligence.benchmarking.actions import save_catalogue_metric

    return {
        "homeless-households": save_catalogue_metric(
            metric_id="homeless-households",
            title="Homeless households",
            kind="count",
            polarity="lower",
            unit="households",
            precision=0,
        ),
        "recycling-rate": save_catalogue_metric(
            metric_id="recycling-rate",
            title="Household waste recycled",
            kind="percentage",
            polarity="higher",
            unit="%",
            precision=1,
        ),
    }
