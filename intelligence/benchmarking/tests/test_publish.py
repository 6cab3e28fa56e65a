from datetime import date, timedelta

import pytest

from intelligence.benchmarking.models import PoolMember, PoolMetric, PoolValue


def values(gss="E06000901"):
    return {
        (v.metric.metric_id, v.period): v
        for v in PoolValue.objects.filter(member__gss_code=gss).select_related("metric")
    }


def test_publishing_copies_shared_council_level_values_with_disclosure_control(
    published_a, council_a
):
    pool = values()
    assert set(pool) == {
        ("homeless-households", "2023-24"),
        ("homeless-households", "2024-25"),
        ("recycling-rate", "2023-24"),
        ("recycling-rate", "2024-25"),
    }  # not the ward's value, not the unshared metric
    small = pool[("homeless-households", "2023-24")]
    assert small.suppressed and small.value is None
    assert pool[("homeless-households", "2024-25")].value == 125
    assert pool[("recycling-rate", "2023-24")].suppressed  # denominator 8
    rate = pool[("recycling-rate", "2024-25")]
    assert (rate.value, rate.numerator, rate.denominator) == (41.5, 415, 1000)
    # Provenance.
    assert rate.member.council == council_a
    assert rate.source_period == "2024-25" and rate.published_at is not None
    assert published_a.suppressed == 2 and published_a.values == 4
    assert PoolMember.objects.get(gss_code="E06000901").tier == "unitary"
    assert not PoolMetric.objects.filter(metric_id="private-metric").exists()


def test_publishing_again_is_idempotent_and_withdraws_unshared_metrics(
    published_a, council_a, in_council
):
    from intelligence.benchmarking.actions import publish_council
    from intelligence.warehouse.models import Metric

    publish_council(council_a)
    assert len(values()) == 4
    with in_council(council_a):
        Metric.objects.filter(metric_id="recycling-rate").update(shared=False)
    result = publish_council(council_a)
    assert result.withdrawn == 2
    assert {k[0] for k in values()} == {"homeless-households"}


def test_embargo_is_carried_onto_published_values(council_a, published_a):
    from intelligence.benchmarking.actions import publish_council

    until = date.today() + timedelta(days=10)
    publish_council(council_a, embargo_until=until)
    assert {v.embargo_until for v in values().values()} == {until}


def test_the_nightly_task_publishes_every_active_council(
    published_a, council_a, council_b, in_council, django_capture_on_commit_callbacks
):
    from intelligence.benchmarking.tasks import publish_all_councils
    from intelligence.warehouse.actions import import_observations, save_metric

    with in_council(council_b):
        save_metric(metric_id="recycling-rate", title="Recycling", kind="percentage", shared=True)
        import_observations(
            "metric_id,area_code,period,value,numerator,denominator\n"
            "recycling-rate,E06000902,2024-25,55,550,1000\n"
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_all_councils.delay().get() >= 2
    assert values("E06000902")[("recycling-rate", "2024-25")].value == 55


def test_the_platform_tenant_cannot_publish(db):
    from django.core.exceptions import ValidationError

    from intelligence.benchmarking.actions import publish_council
    from tenants.models import Council

    with pytest.raises(ValidationError):
        publish_council(Council.objects.get(schema_name="public"))


def test_council_admin_publishes_on_demand_from_its_domain(client_a, council_a, in_council):
    from intelligence.warehouse.actions import import_observations, save_metric

    with in_council(council_a):
        save_metric(metric_id="recycling-rate", title="Recycling", kind="percentage", shared=True)
        import_observations(
            "metric_id,area_code,period,value,numerator,denominator\n"
            "recycling-rate,E06000901,2024-25,41,410,1000\n"
        )
    response = client_a.post("/api/v1/warehouse/pool/publish/", {}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["values"] == 1


def test_analysts_cannot_publish_or_issue_keys(staff_client_factory, council_a):
    analyst = staff_client_factory(council_a, groups=("Analysts",), username="analyst@a.example")
    assert analyst.post("/api/v1/warehouse/pool/publish/").status_code == 403
    assert analyst.post("/api/v1/warehouse/pool/keys/", {"name": "x"}).status_code == 403


def test_pool_version_bump_is_seen_on_the_platform_whatever_schema_commits_it(
    council_a, in_council, django_capture_on_commit_callbacks
):
    """Regression: a bump committed while a council's schema was active used to land under
    that council's cache key, so platform readers kept a stale snapshot."""
    from django.db import transaction

    from intelligence.benchmarking import snapshot

    before = snapshot._version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        snapshot.bump_version()
    bumped_now = snapshot._version()
    assert bumped_now != before
    with in_council(council_a):
        for callback in callbacks:
            callback()
        assert snapshot._version() != bumped_now
    assert snapshot._version() != bumped_now
