from datetime import date, timedelta

import pytest

from intelligence.benchmarking.actions import create_peer_group, issue_api_key
from intelligence.benchmarking.models import PoolMember, PoolMetric, PoolValue
from intelligence.benchmarking.stats import compare, percentile

BASE = "/api/v1/benchmarks/metrics/"


def test_metrics_list_counts_councils_reporting(api, small_pool):
    response = api.get(BASE)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 8
    assert {m["councils_reporting"] for m in body["results"]} == {40}
    cors = api.get(BASE, HTTP_ORIGIN="https://example.org")
    assert cors["Access-Control-Allow-Origin"] == "*"


def test_values_lists_every_council_for_a_period_paginated(api, small_pool):
    response = api.get(f"{BASE}syn-001/values/?period=2023-24&page_size=25")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 40 and len(body["results"]) == 25 and body["next"]
    assert body["period"] == "2023-24"
    row = body["results"][0]
    assert set(row) >= {
        "gss_code",
        "council",
        "value",
        "suppressed",
        "published_at",
        "source_period",
    }


def test_values_default_to_the_latest_period(api, small_pool):
    body = api.get(f"{BASE}syn-001/values/").json()
    assert (body["period"], body["period_basis"]) == ("2024-25", "latest_shared_by_most")


def test_values_as_csv(api, small_pool):
    response = api.get(f"{BASE}syn-001/values/?period=2024-25&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("gss_code,council,tier,region,period,value")
    assert len(lines) == 41


def test_compare_gives_rank_quartile_median_and_peers(api, small_pool):
    metric = PoolMetric.objects.get(metric_id="syn-001")
    member = PoolMember.objects.order_by("gss_code").first()
    response = api.get(f"{BASE}syn-001/compare/{member.gss_code}/?period=2024-25&group=all")
    assert response.status_code == 200, response.content
    body = response.json()
    rows = list(PoolValue.objects.filter(metric=metric, period="2024-25"))
    usable = sorted(v.value for v in rows if not v.suppressed)
    own = next(v for v in rows if v.member_id == member.pk)
    expected = compare(None if own.suppressed else own.value, usable, metric.polarity, 40)
    assert body["median"] == pytest.approx(float(percentile(usable, 0.5)))
    assert body["median"] == pytest.approx(float(__import__("numpy").median(usable)))
    assert (body["rank"], body["quartile"], body["group_size"]) == (
        expected.rank,
        expected.quartile,
        40,
    )
    assert body["values_count"] == len(usable)
    assert len(body["peers"]) == 40
    assert body["lower_quartile"] <= body["median"] <= body["upper_quartile"]


def test_rank_1_is_best_by_polarity():
    assert compare(10, [10, 20, 30], "higher", 3).rank == 3
    assert compare(10, [10, 20, 30], "lower", 3).rank == 1
    assert compare(20, [10, 20, 20, 30], "lower", 4).rank == 2  # ties share the better rank
    assert compare(30, [10, 20, 30, 40], "higher", 4).quartile == 2  # 30 < upper quartile 32.5


@pytest.mark.parametrize("group", ["tier", "region", "nearest"])
def test_compare_within_a_peer_group(api, small_pool, group):
    member = PoolMember.objects.order_by("gss_code").first()
    body = api.get(f"{BASE}syn-002/compare/{member.gss_code}/?group={group}").json()
    expected = {
        "tier": PoolMember.objects.filter(tier=member.tier).count(),
        "region": PoolMember.objects.filter(region=member.region).count(),
        "nearest": 16,
    }[group]
    assert body["group_size"] == expected
    assert len(body["peers"]) == expected
    assert member.gss_code in {p["gss_code"] for p in body["peers"]}


def test_compare_with_a_custom_group(api, small_pool):
    members = list(PoolMember.objects.order_by("gss_code")[:4])
    group = create_peer_group(
        owner=members[0], name="Our friends", member_codes=[m.gss_code for m in members[1:]]
    )
    body = api.get(f"{BASE}syn-002/compare/{members[0].gss_code}/?group={group.pk}").json()
    assert body["group_size"] == 4
    assert {p["gss_code"] for p in body["peers"]} == {m.gss_code for m in members}


def test_series_has_a_point_per_period_with_group_medians(api, small_pool):
    member = PoolMember.objects.order_by("gss_code").first()
    body = api.get(f"{BASE}syn-003/series/{member.gss_code}/?group=all").json()
    assert [p["period"] for p in body["points"]] == ["2022-23", "2023-24", "2024-25"]
    assert all(p["group_median"] is not None for p in body["points"])
    csv = api.get(f"{BASE}syn-003/series/{member.gss_code}/?format=csv").content.decode()
    assert csv.splitlines()[0].startswith("metric.metric_id,")
    assert len(csv.splitlines()) == 4


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}no-such-metric/values/",
        f"{BASE}no-such-metric/compare/E069000001/",
        f"{BASE}syn-001/compare/E06999999/",
        f"{BASE}syn-001/series/E06999999/",
    ],
)
def test_unknown_metric_or_council_is_404(api, small_pool, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=2024/25", "period"),
        ("period=2024-26", "period"),
        ("group=county", "group"),
        ("group=999999", "group"),
    ],
)
def test_malformed_period_or_group_is_400_naming_it(api, small_pool, query, field):
    member = PoolMember.objects.order_by("gss_code").first()
    response = api.get(f"{BASE}syn-001/compare/{member.gss_code}/?{query}")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    if field == "period":
        assert api.get(f"{BASE}syn-001/values/?{query}").status_code == 400


def test_etag_and_last_modified_allow_conditional_requests(api, small_pool):
    url = f"{BASE}syn-001/values/?period=2024-25"
    first = api.get(url)
    assert first["ETag"] and first["Last-Modified"]
    assert "public" in first["Cache-Control"]
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert api.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_suppressed_values_appear_as_suppressed(api, published_a):
    body = api.get(f"{BASE}homeless-households/values/?period=2023-24").json()
    assert body["results"] == [
        {**body["results"][0], "gss_code": "E06000901", "value": None, "suppressed": True}
    ]


def test_embargoed_values_are_hidden_from_the_public_and_other_councils(
    api, council_a, council_b, publish_a
):
    publish_a(embargo_until=date.today() + timedelta(days=7))
    _, key_a = issue_api_key(name="A staff", council=council_a)
    _, key_b = issue_api_key(name="B staff", council=council_b)
    _, key_public = issue_api_key(name="A researcher", rate="10000/min")
    url = f"{BASE}recycling-rate/values/?period=2024-25"
    assert api.get(url).json()["count"] == 0
    assert api.get(url, HTTP_AUTHORIZATION=f"Api-Key {key_b}").json()["count"] == 0
    assert api.get(url, HTTP_X_API_KEY=key_public).json()["count"] == 0
    own = api.get(url, HTTP_AUTHORIZATION=f"Api-Key {key_a}")
    assert own.json()["count"] == 1 and own["Cache-Control"].startswith("private")
    compare_url = f"{BASE}recycling-rate/compare/E06000901/?period=2024-25"
    assert api.get(compare_url).json()["value"] is None
    assert api.get(compare_url, HTTP_AUTHORIZATION=f"Api-Key {key_a}").json()["value"] == 41.5
    listing = {m["metric_id"]: m["councils_reporting"] for m in api.get(BASE).json()["results"]}
    assert listing["recycling-rate"] == 0
    # After the embargo date everyone sees it.
    PoolValue.objects.update(embargo_until=date.today())
    assert api.get(url).json()["count"] == 1


def test_unpublished_values_never_reach_the_pool(api, published_a):
    assert api.get(f"{BASE}private-metric/values/").status_code == 404


def test_an_unknown_api_key_is_refused(api, small_pool):
    response = api.get(BASE, HTTP_AUTHORIZATION="Api-Key cpk_nope")
    assert response.status_code == 401


def test_anonymous_callers_are_rate_limited_and_keys_get_their_own_rate(api, small_pool, settings):
    from rest_framework.settings import api_settings

    from intelligence.benchmarking.api.auth import PoolRateThrottle

    PoolRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "3/min"}
    try:
        statuses = [api.get(BASE).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        _, key = issue_api_key(name="researcher", rate="100/min")
        assert api.get(BASE, HTTP_X_API_KEY=key).status_code == 200
    finally:
        PoolRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_council_admin_issues_a_pool_key_on_its_own_domain(client_a, council_a, api, publish_a):
    response = client_a.post(
        "/api/v1/warehouse/pool/keys/",
        {"name": "Performance team"},
        content_type="application/json",
    )
    assert response.status_code == 201
    key = response.json()["key"]
    publish_a(embargo_until=date.today() + timedelta(days=3))
    url = f"{BASE}recycling-rate/values/?period=2024-25"
    assert api.get(url, HTTP_X_API_KEY=key).json()["count"] == 1
    listed = client_a.get("/api/v1/warehouse/pool/keys/").json()
    assert [k["name"] for k in listed] == ["Performance team"] and "key" not in listed[0]


def test_pool_api_is_not_served_on_council_domains(client_a):
    assert client_a.get(BASE).status_code == 404


def test_openapi_schema_lists_the_benchmarking_api(api):
    response = api.get("/api/v1/benchmarks/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/benchmarks/metrics/{metric_id}/compare/{gss_code}/" in paths


def test_a_new_publication_is_seen_at_once(api, published_a, publish_a):
    url = f"{BASE}recycling-rate/compare/E06000901/?period=2024-25"
    assert api.get(url).json()["value"] == 41.5
    publish_a(values=[("recycling-rate", "2024-25", 47, 470, 1000)])
    assert api.get(url).json()["value"] == 47


def test_compare_reads_the_pool_in_a_constant_number_of_queries(
    api, small_pool, django_assert_max_num_queries
):
    members = list(PoolMember.objects.order_by("gss_code")[:3])
    api.get(f"{BASE}syn-001/compare/{members[0].gss_code}/?period=2024-25")  # warm the snapshot
    for member in members[1:]:
        with django_assert_max_num_queries(2):  # the host's domain, and nothing per council
            response = api.get(f"{BASE}syn-001/compare/{member.gss_code}/?period=2024-25")
        assert response.status_code == 200


def test_a_council_defines_a_custom_group_on_its_domain(
    client_a, client_b, api, published_a, small_pool
):
    codes = list(
        PoolMember.objects.filter(synthetic=True)
        .order_by("gss_code")
        .values_list("gss_code", flat=True)[:3]
    )
    response = client_a.post(
        "/api/v1/warehouse/pool/groups/",
        {"name": "Coastal", "members": codes},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    group_id = response.json()["id"]
    assert [g["name"] for g in client_a.get("/api/v1/warehouse/pool/groups/").json()] == ["Coastal"]
    assert client_b.get("/api/v1/warehouse/pool/groups/").json() == []  # B has not published
    body = api.get(f"{BASE}recycling-rate/compare/E06000901/?group={group_id}").json()
    assert body["group_size"] == 4
    bad = client_a.post(
        "/api/v1/warehouse/pool/groups/",
        {"name": "X", "members": ["E06999998"]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "members" in bad.json()["error"]["fields"]


def test_issue_pool_api_key_command(db):
    import io

    from django.core.management import CommandError, call_command

    from intelligence.benchmarking.models import ApiKey

    out = io.StringIO()
    call_command("issue_pool_api_key", "--name", "Researcher", "--rate", "600/min", stdout=out)
    raw = out.getvalue().split(": ")[1].strip()
    key = ApiKey.objects.get(key_hash=ApiKey.hash(raw))
    assert key.rate == "600/min" and key.council is None

    with pytest.raises(CommandError, match="not a rate"):
        call_command("issue_pool_api_key", "--name", "X", "--rate", "lots")
