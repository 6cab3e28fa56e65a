from datetime import date, timedelta

import pytest

from intelligence.benchmarking.conftest import A_VALUES
from intelligence.benchmarking.models import PoolMember, PoolValue


def values(gss="E06000901"):
    return {
        (v.metric.metric_id, v.period): v
        for v in PoolValue.objects.filter(member__gss_code=gss).select_related("metric")
    }


def test_publishing_stores_the_values_with_disclosure_control(published_a, council_a):
    pool = values()
    assert set(pool) == {
        ("homeless-households", "2023-24"),
        ("homeless-households", "2024-25"),
        ("recycling-rate", "2023-24"),
        ("recycling-rate", "2024-25"),
    }
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
    assert rate.source_metric == "recycling-rate"
    assert PoolMember.objects.get(gss_code="E06000901").tier == "unitary"
    assert PoolMember.objects.get(gss_code="E06000901").last_published_at is not None


def test_publishing_again_is_idempotent_and_withdraws_what_is_left_out(published_a, publish_a):
    publish_a()
    assert len(values()) == 4
    result = publish_a(values=[v for v in A_VALUES if v[0] == "homeless-households"])
    assert result.withdrawn == 2
    assert {k[0] for k in values()} == {"homeless-households"}


def test_embargo_is_carried_onto_published_values(published_a, publish_a):
    until = date.today() + timedelta(days=10)
    publish_a(embargo_until=until)
    assert {v.embargo_until for v in values().values()} == {until}


def test_the_platform_tenant_cannot_publish(db):
    from django.core.exceptions import ValidationError

    from intelligence.benchmarking.actions import publish_values
    from tenants.models import Council

    with pytest.raises(ValidationError):
        publish_values(Council.objects.get(schema_name="public"), [])


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
