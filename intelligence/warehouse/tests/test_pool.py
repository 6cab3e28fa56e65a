"""The council side of the benchmarking pool: the warehouse maps its metrics onto the platform's
catalogue, builds its publication (values after disclosure control) and hands it to the pool
(issue 10 item 3); definitions stay the catalogue's (issue 8 item 4); publication is retried and
never deadlocks (issue 17 item 1)."""

import threading

import pytest
from django.db import OperationalError, connection
from django_tenants.utils import schema_context

from intelligence.benchmarking.models import PoolMember, PoolMetric, PoolValue

PUBLISH = "/api/v1/warehouse/pool/publish/"
OBSERVATIONS = (
    "metric_id,area_code,period,value,numerator,denominator\n"
    "homeless-households,E06000901,2023-24,7,,\n"
    "homeless-households,E06000901,2024-25,123,,\n"
    "homeless-households,E05000001,2024-25,50,,\n"
    "recycling-rate,E06000901,2023-24,50,4,8\n"
    "recycling-rate,E06000901,2024-25,41.5,415,1000\n"
    "imd-score,E06000901,2024-25,3,,\n"
)


def pool_values(gss="E06000901"):
    return {
        (v.metric.metric_id, v.period): v
        for v in PoolValue.objects.filter(member__gss_code=gss).select_related("metric")
    }


@pytest.fixture
def observations_a(metrics_a, council_a, in_council):
    from intelligence.warehouse.actions import import_observations

    with in_council(council_a):
        import_observations(OBSERVATIONS)
    return metrics_a


def test_council_admin_publishes_council_level_values_of_shared_metrics(client_a, observations_a):
    response = client_a.post(PUBLISH, {}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["values"] == 4 and response.json()["suppressed"] == 2
    pool = pool_values()
    assert set(pool) == {
        ("homeless-households", "2023-24"),
        ("homeless-households", "2024-25"),
        ("recycling-rate", "2023-24"),
        ("recycling-rate", "2024-25"),
    }  # not the ward's value, not the unshared metric
    assert pool[("homeless-households", "2024-25")].value == 125
    assert pool[("recycling-rate", "2023-24")].suppressed  # denominator 8
    assert pool[("recycling-rate", "2024-25")].source_metric == "recycling-rate"
    assert not PoolMetric.objects.filter(metric_id="imd-score").exists()


def test_a_council_cannot_rewrite_a_catalogue_definition(
    client_a, council_a, in_council, catalogue
):
    """Old main: publishing upserted the shared definition, so the last publisher set title,
    unit, polarity, kind and context for everyone."""
    from intelligence.warehouse.actions import import_observations, save_metric

    with in_council(council_a):
        save_metric(
            metric_id="recycling-rate",
            title="Hijacked",
            unit="bananas",
            kind="count",
            polarity="lower",
            category="context",
            source="Council A",
            shared=True,
        )
        import_observations(
            "metric_id,area_code,period,value,numerator,denominator\n"
            "recycling-rate,E06000901,2024-25,41.5,415,1000\n"
        )
    before = PoolMetric.objects.filter(metric_id="recycling-rate").values()[0]
    assert client_a.post(PUBLISH, {}, content_type="application/json").status_code == 200
    after = PoolMetric.objects.filter(metric_id="recycling-rate").values()[0]
    assert after == before
    assert (after["title"], after["polarity"], after["kind"], after["is_context"]) == (
        "Household waste recycled",
        "higher",
        "percentage",
        False,
    )
    # Disclosure control used the catalogue's kind (a percentage), not the council's (a count).
    assert pool_values()[("recycling-rate", "2024-25")].value == 41.5


def test_a_local_metric_is_published_as_the_catalogue_metric_it_maps_onto(
    client_a, council_a, in_council, catalogue
):
    from intelligence.warehouse.actions import import_observations, save_metric

    with in_council(council_a):
        save_metric(
            metric_id="bins-recycled",
            title="Our recycling",
            kind="percentage",
            shared=True,
            pool_metric="recycling-rate",
        )
        import_observations(
            "metric_id,area_code,period,value,numerator,denominator\n"
            "bins-recycled,E06000901,2024-25,44,440,1000\n"
        )
    assert client_a.post(PUBLISH, {}, content_type="application/json").status_code == 200
    value = pool_values()[("recycling-rate", "2024-25")]
    assert (value.value, value.source_metric) == (44, "bins-recycled")


@pytest.mark.parametrize(
    ("mapping", "message"),
    [("no-such-metric", "not in the benchmarking catalogue"), ("ctx-population", "context metric")],
)
def test_mappings_onto_unknown_or_context_metrics_are_refused(
    client_a, small_pool_ctx, mapping, message
):
    response = client_a.post(
        "/api/v1/warehouse/metrics/",
        {
            "metric_id": "population",
            "title": "Population",
            "kind": "count",
            "shared": True,
            "pool_metric": mapping,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert message in " ".join(response.json()["error"]["fields"]["pool_metric"])


@pytest.fixture
def small_pool_ctx(db, catalogue):
    from intelligence.benchmarking.actions import save_catalogue_metric

    return save_catalogue_metric(
        metric_id="ctx-population", title="Population", kind="count", is_context=True
    )


def test_a_legacy_mapping_onto_a_context_metric_is_skipped_not_published(
    client_a, council_a, in_council, observations_a, small_pool_ctx
):
    from intelligence.warehouse.actions import import_observations
    from intelligence.warehouse.models import Metric

    with in_council(council_a):
        Metric.objects.create(  # as the migration maps what was shared before the catalogue
            metric_id="ctx-population", title="Population", kind="count", shared=True,
            pool_metric="ctx-population",
        )  # fmt: skip
        import_observations(
            "metric_id,area_code,period,value\nctx-population,E06000901,2024-25,300000\n"
        )
    response = client_a.post(PUBLISH, {}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["skipped"] == ["ctx-population"]
    assert ("ctx-population", "2024-25") not in pool_values()


def test_analysts_cannot_publish_or_issue_keys(staff_client_factory, council_a):
    analyst = staff_client_factory(council_a, groups=("Analysts",), username="analyst@a.example")
    assert analyst.post(PUBLISH).status_code == 403
    assert analyst.post("/api/v1/warehouse/pool/keys/", {"name": "x"}).status_code == 403


def test_the_nightly_task_publishes_every_active_council(
    observations_a, council_b, in_council, django_capture_on_commit_callbacks
):
    from intelligence.warehouse.actions import import_observations, save_metric
    from intelligence.warehouse.tasks import publish_all_to_pool

    with in_council(council_b):
        save_metric(metric_id="recycling-rate", title="Recycling", kind="percentage", shared=True)
        import_observations(
            "metric_id,area_code,period,value,numerator,denominator\n"
            "recycling-rate,E06000902,2024-25,55,550,1000\n"
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_all_to_pool.delay().get() >= 2
    assert pool_values("E06000902")[("recycling-rate", "2024-25")].value == 55
    assert len(pool_values()) == 4


def test_a_failed_publication_is_retried(observations_a, council_a, monkeypatch):
    """The database failure is injected (a deadlock or a dropped connection cannot be ordered on
    cue). Celery's autoretry turns it into a retry with backoff; the redelivered task (run here
    in-process, as the worker would after the countdown) publishes."""
    from celery.exceptions import Retry

    from intelligence.benchmarking import actions as pool_actions
    from intelligence.warehouse.tasks import publish_to_pool_task

    real = pool_actions.publish_values
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("deadlock detected")
        return real(*args, **kwargs)

    monkeypatch.setattr(pool_actions, "publish_values", flaky)
    with pytest.raises(Retry) as retry:
        publish_to_pool_task.apply(args=[council_a.pk], throw=True)
    assert isinstance(retry.value.exc, OperationalError)
    assert publish_to_pool_task.max_retries >= 5 and publish_to_pool_task.retry_backoff
    assert not pool_values()
    result = publish_to_pool_task.apply(args=[council_a.pk], retries=1)
    assert result.successful(), result.traceback
    assert result.get()["values"] == 4 and len(pool_values()) == 4


def _committed(fn):
    """Run ``fn`` on a connection of its own and commit (other threads must see the data)."""
    errors = []

    def run():
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def test_two_councils_publishing_at_once_never_deadlock(db, council_a, council_b):
    """Two councils publish 20 metrics (in opposite orders) 12 times each, at the same time, on
    separate database connections. On old main this deadlocked on the shared metric rows."""
    from intelligence.benchmarking.actions import save_catalogue_metric
    from intelligence.warehouse.actions import import_observations, save_metric
    from intelligence.warehouse.models import Metric
    from intelligence.warehouse.pool import publish_to_pool

    ids = [f"zz-deadlock-{i:02d}" for i in range(20)]
    councils = (council_a, council_b)

    def setup():
        for metric_id in ids:
            save_catalogue_metric(metric_id=metric_id, title=metric_id, kind="score")
        for council, order in zip(councils, (ids, ids[::-1]), strict=True):
            with schema_context(council.schema_name):
                for metric_id in order:
                    save_metric(metric_id=metric_id, title=metric_id, kind="score", shared=True)
                lines = ["metric_id,area_code,period,value"] + [
                    f"{m},{council.gss_code},{y}-{(y + 1) % 100:02d},{(i * 7 + y) % 97}"
                    for i, m in enumerate(ids)
                    for y in range(2018, 2025)
                ]
                import_observations("\n".join(lines) + "\n", council_code=council.gss_code)

    def cleanup():
        for council in councils:
            with schema_context(council.schema_name):
                for metric in Metric.objects.filter(metric_id__in=ids):
                    metric.delete()
        PoolMember.objects.filter(gss_code__in=[c.gss_code for c in councils]).delete()
        PoolMetric.objects.filter(metric_id__in=ids).delete()

    _committed(setup)
    errors, published = [], []
    barrier = threading.Barrier(2)

    def publisher(council):
        try:
            barrier.wait()
            for _ in range(12):
                with schema_context(council.schema_name):
                    published.append(publish_to_pool().values)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=publisher, args=(c,)) for c in councils]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert published == [140] * 24
    finally:
        _committed(cleanup)
