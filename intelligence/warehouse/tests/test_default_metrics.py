"""A new council starts with the benchmark catalogue's metrics as its own (issue 10's default
metrics, through the provisioning registry)."""

import pytest
from django_tenants.utils import schema_context

from intelligence.benchmarking.actions import save_catalogue_metric
from intelligence.warehouse.models import Metric
from tenants.actions import provision_council

NEW = {
    "name": "Deltaham Council",
    "slug": "deltaham",
    "gss_code": "E06000904",
    "tier": "unitary",
    "region": "london",
}


def _provision():
    from django.test import TestCase

    # The default metrics are an AFTER_COMMIT step (a task after the provisioning commits):
    # run the commit's callbacks, as the commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return provision_council(**NEW, admin_email="chief@deltaham.example", notify=False).council


@pytest.mark.django_db
def test_new_council_gets_catalogue_metrics_mapped_but_not_shared(catalogue):
    save_catalogue_metric(
        metric_id="ctx-population",
        title="Resident population",
        kind="count",
        polarity="neither",
        unit="people",
        is_context=True,
        precision=0,
    )
    council = _provision()
    with schema_context(council.schema_name):
        metrics = {m.metric_id: m for m in Metric.objects.all()}
    # Every non-context catalogue metric, and nothing else: context data is the platform's.
    assert set(metrics) == {"homeless-households", "recycling-rate"}
    recycling = metrics["recycling-rate"]
    assert recycling.pool_metric == "recycling-rate"
    assert not recycling.shared  # publishing stays the council's decision
    assert (recycling.title, recycling.kind, recycling.polarity, recycling.unit) == (
        "Household waste recycled",
        "percentage",
        "higher",
        "%",
    )


@pytest.mark.django_db
def test_default_metrics_step_is_idempotent_and_keeps_the_councils_edits(catalogue):
    from intelligence.warehouse.provisioning import create_default_metrics

    council = _provision()
    with schema_context(council.schema_name):
        Metric.objects.filter(metric_id="recycling-rate").update(title="Our recycling rate")
        assert create_default_metrics(council) == 0
        assert Metric.objects.count() == 2
        assert Metric.objects.get(metric_id="recycling-rate").title == "Our recycling rate"
