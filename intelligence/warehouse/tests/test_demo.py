from intelligence.warehouse.demo import seed_demo


def test_demo_data_is_safe_to_seed_twice(council_a, in_council, anon_client_a, api_platform_values):
    with in_council(council_a):
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
