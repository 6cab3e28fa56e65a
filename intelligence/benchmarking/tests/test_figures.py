"""Figures people quote: quartiles agree with the quartile values beside them (issue 8 item 6),
the compare CSV has one row per peer (item 7), the default period is the one most of the group
shares (item 8)."""

import csv
import io

import pytest

from intelligence.benchmarking.actions import PublishedValue, publish_values
from intelligence.benchmarking.models import PoolMember, PoolValue
from intelligence.benchmarking.stats import compare

BASE = "/api/v1/benchmarks/metrics/"


def expected_quartile(value, body, polarity):
    lq, med, uq = body["lower_quartile"], body["median"], body["upper_quartile"]
    if polarity == "lower":
        return 1 if value <= lq else 2 if value <= med else 3 if value <= uq else 4
    return 1 if value >= uq else 2 if value >= med else 3 if value >= lq else 4


@pytest.mark.parametrize(
    ("values", "polarity", "quartiles"),
    [
        ([30, 20, 10], "higher", [1, 2, 4]),  # the best of three is in the best quarter
        ([30, 20, 10], "lower", [4, 2, 1]),
        ([10, 20], "higher", [4, 1]),
        ([5, 5, 5, 5], "higher", [1, 1, 1, 1]),
        ([40, 30, 20, 10], "neither", [1, 2, 3, 4]),
    ],
)
def test_quartile_follows_from_the_value_against_the_quartile_values(values, polarity, quartiles):
    assert [compare(v, values, polarity, len(values)).quartile for v in values] == quartiles


def test_a_group_of_one_is_not_ranked():
    alone = compare(42, [42], "higher", 1)
    assert (alone.rank, alone.quartile, alone.values_count) == (None, None, 1)
    assert alone.median == 42


def test_every_compare_quartile_agrees_with_the_boundaries_in_its_response(api, small_pool):
    members = list(PoolMember.objects.order_by("gss_code"))
    checked = 0
    for metric_id in ("syn-001", "syn-002", "syn-003"):
        for member in members:
            body = api.get(f"{BASE}{metric_id}/compare/{member.gss_code}/?period=2024-25").json()
            if body["value"] is None:
                continue
            polarity = body["metric"]["polarity"]
            assert body["quartile"] == expected_quartile(body["value"], body, polarity), body
            checked += 1
    assert checked > 60


def test_the_only_council_in_its_group_is_not_ranked_worst(api, published_a):
    body = api.get(f"{BASE}recycling-rate/compare/E06000901/?period=2024-25").json()
    assert body["value"] == 41.5 and body["values_count"] == 1
    assert body["quartile"] is None and body["rank"] is None
    assert body["peers"][0]["rank"] is None


def test_compare_csv_has_one_row_per_peer_with_its_own_figures(api, small_pool):
    member = PoolMember.objects.order_by("gss_code").first()
    response = api.get(f"{BASE}syn-001/compare/{member.gss_code}/?period=2024-25&format=csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 40
    stored = {
        v.member.gss_code: v
        for v in PoolValue.objects.filter(
            metric__metric_id="syn-001", period="2024-25"
        ).select_related("member", "metric")
    }
    precision = next(iter(stored.values())).metric.precision
    json_peers = {
        p["gss_code"]: p
        for p in api.get(f"{BASE}syn-001/compare/{member.gss_code}/?period=2024-25").json()["peers"]
    }
    for row in rows:
        peer = stored[row["gss_code"]]
        assert row["council"] == peer.member.name  # the peer's own name, not the subject's
        expected = "" if peer.value is None else f"{peer.value:.{precision}f}"
        assert row["value"] == expected
        assert row["rank"] == (
            ""
            if json_peers[row["gss_code"]]["rank"] is None
            else str(json_peers[row["gss_code"]]["rank"])
        )
        assert row["subject"] == str(row["gss_code"] == member.gss_code)
    assert sum(row["subject"] == "True" for row in rows) == 1
    assert "council.name" not in rows[0]


def test_compare_csv_rounds_to_the_metric_precision(api, published_a, catalogue):
    response = api.get(f"{BASE}recycling-rate/compare/E06000901/?period=2024-25&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["value"] == "41.5" and rows[0]["group_median"] == "41.5"


@pytest.fixture
def early_publisher(small_pool, council_a):
    """Council A alone has published syn-001 for 2025-26; the 40 synthetic councils stop at
    2024-25."""
    publish_values(council_a, [PublishedValue("syn-001", "2025-26", 55.0)])


def test_default_period_is_the_latest_most_of_the_group_shares(api, early_publisher):
    body = api.get(f"{BASE}syn-001/compare/E06000901/").json()
    assert body["period"] == "2024-25"
    assert body["period_basis"] == "latest_shared_by_most"
    assert body["values_count"] > 1 and body["group_size"] == 41
    values = api.get(f"{BASE}syn-001/values/").json()
    assert (values["period"], values["period_basis"]) == ("2024-25", "latest_shared_by_most")
    asked = api.get(f"{BASE}syn-001/compare/E06000901/?period=2025-26").json()
    assert (asked["period"], asked["period_basis"], asked["rank"]) == ("2025-26", "requested", None)
    assert asked["values_count"] == 1 and asked["group_size"] == 41
