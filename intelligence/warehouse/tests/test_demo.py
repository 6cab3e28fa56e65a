from intelligence.warehouse.demo import seed_demo


def test_demo_data_is_safe_to_seed_twice(
    council_a,
    in_council,
    anon_client_a,
    api_platform_values,
    platform_host,
    django_capture_on_commit_callbacks,
):
    with in_council(council_a), django_capture_on_commit_callbacks(execute=True):
        seed_demo(council_a)
        seed_demo(council_a)
        from intelligence.warehouse.models import Kpi, Observation, PerformancePage

        assert Kpi.objects.count() == 3
        assert PerformancePage.objects.count() == 1
        count = Observation.objects.count()
        seed_demo(council_a)
        assert Observation.objects.count() == count
    assert anon_client_a.get("/performance/").status_code == 200
    assert api_platform_values("recycling-rate") == 1  # council A published its shared metrics
    assert api_platform_values("syn-001") == 150  # and found a synthetic pool to compare with
    # Its context data is the platform's (the demo gives it some), so it has nearest neighbours
    # (recomputed by the task run after the commit) and can be compared with them.
    from django.test import Client

    from intelligence.benchmarking.models import NearestNeighbour

    assert NearestNeighbour.objects.filter(member__gss_code=council_a.gss_code).count() == 15
    body = (
        Client(HTTP_HOST=platform_host)
        .get(
            f"/api/v1/benchmarks/metrics/recycling-rate/compare/{council_a.gss_code}/?group=nearest"
        )
        .json()
    )
    assert body["group_size"] == 16 and body["period_basis"] == "latest_shared_by_most"
