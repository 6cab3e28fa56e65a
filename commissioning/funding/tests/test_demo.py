"""The demo step gives a council calls with matches and reasons, and a valid 360Giving feed."""

from commissioning.funding import demo, matching


def test_demo_funding_has_matches_with_reasons_and_a_feed(council_a, in_council, anon_client_a):
    from intelligence.warehouse.demo import seed_demo as warehouse_demo
    from tenants.actions import set_org_id

    set_org_id(council_a, "GB-LAE-ALF")
    with in_council(council_a):
        warehouse_demo(council_a)
        demo.seed_demo(council_a)
        demo.seed_demo(council_a)  # idempotent
        ranked = matching.rank_calls()
    programmes = [m.call.programme for m in ranked]
    assert "Communities in Wales" not in programmes
    assert any(m.needs for m in ranked), [m.reasons for m in ranked]
    assert len(programmes) == len(set(programmes))
    feed = anon_client_a.get("/api/v1/360giving/grants.json").json()
    assert len(feed["grants"]) == 3
