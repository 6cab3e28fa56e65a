"""Markets: the figures' arithmetic, spend and CQC imports (validated whole, errors by line,
nothing half-imported), alerts, the dashboard and the API, and council B seeing none of it."""

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from commissioning.markets import actions, demo
from commissioning.markets import figures as f
from commissioning.markets.models import Alert, Market, MarketFigures, Rating, Spend
from commissioning.providers.demo import seed_demo as seed_directory

pytestmark = pytest.mark.django_db


def test_hhi_cr3_and_quartiles():
    shares = f.shares({"a": 50, "b": 30, "c": 20, "d": 0})
    assert shares == {"a": 50.0, "b": 30.0, "c": 20.0}
    assert f.hhi(shares) == 3800.0  # 2,500 + 900 + 400
    assert f.cr3({"a": 40, "b": 30, "c": 20, "d": 10}) == 90.0
    assert f.hhi(f.shares({str(i): 1 for i in range(10)})) == 1000.0
    assert f.quartiles([10, 20, 30, 40, 50]) == {
        "lower_quartile": 20.0,
        "median": 30.0,
        "upper_quartile": 40.0,
    }
    assert f.quartiles([12]) == {"lower_quartile": 12.0, "median": 12.0, "upper_quartile": 12.0}
    assert f.quartiles([]) is None


def test_unit_costs_are_one_per_provider_placed_against_the_quartiles_across_providers():
    bands, rows = f.unit_costs({"a": [10, 30], "b": [40], "c": [50], "d": [100], "e": []})
    # a's unit cost is the median of its two cost options; e has none and is left out
    assert bands == {"lower_quartile": 35.0, "median": 45.0, "upper_quartile": 62.5}
    assert rows == [
        {"provider": "a", "unit_cost": 20.0, "position": "below lower quartile"},
        {"provider": "b", "unit_cost": 40.0, "position": "lower quartile to median"},
        {"provider": "c", "unit_cost": 50.0, "position": "median to upper quartile"},
        {"provider": "d", "unit_cost": 100.0, "position": "above upper quartile"},
    ]
    assert f.unit_costs({}) == (None, [])
    # a provider with many cost options counts once; providers without spend are left out
    figures = f.period_figures(
        {"a": 60, "b": 40, "z": 0}, None, {}, {"a": [10, 10, 10, 10, 90], "b": [30], "z": [1]}
    )
    assert figures["unit_costs"]["median"] == 20.0
    assert [r["provider"] for r in figures["unit_costs_by_provider"]] == ["a", "b"]


def test_alerts_from_figures():
    before = f.period_figures({"a": 40, "b": 30, "c": 30}, None, {"a": "Good", "b": "Good"}, {})
    after = f.period_figures(
        {"a": 80, "b": 20, "c": 0}, {"a", "b", "c"}, {"a": "Inadequate", "b": "Good"}, {}
    )
    kinds = {k for k, _ in f.alerts_for(after, before)}
    assert kinds == {"concentrated", "dependent", "losing_providers", "poor_ratings"}
    assert after["exits"] == ["c"] and after["hhi"] == 6800.0
    assert f.alerts_for(before, None) == [
        ("concentrated", "HHI is 3,400, above 2,500: highly concentrated.")
    ]


@pytest.fixture
def demo_markets(council_a):
    with schema_context(council_a.schema_name):
        seed_directory(council_a)
        demo.seed_demo(council_a)
    return council_a


def test_demo_markets_have_figures_and_alerts(demo_markets):
    with schema_context(demo_markets.schema_name):
        home = Market.objects.get(term__name="Home care")
        history = list(home.figures.all())
        assert [h.period for h in history] == demo.PERIODS
        latest = history[-1].figures
        assert latest["providers"] == 2 and latest["top_provider"] == "Riverside Care"
        assert latest["hhi"] == pytest.approx(88.46**2 + 11.54**2, abs=2)
        assert sorted(latest["exits"]) == ["Open Minds Wellbeing"]
        assert history[1].figures["exits"] == ["Youth Action"]
        kinds = set(home.alerts.values_list("kind", flat=True))
        assert {"concentrated", "dependent", "losing_providers", "poor_ratings"} <= kinds
        # unit costs from the directory's cost options: in the demo only Riverside Care has
        # priced home care services (three at £15: one unit cost)
        assert latest["unit_costs_by_provider"] == [
            {
                "provider": "Riverside Care",
                "unit_cost": 15.0,
                "position": "lower quartile to median",
            }
        ]
        day = Market.objects.get(term__name="Day services")
        assert day.figures.last().figures["entries"] == []
        assert day.figures.all()[1].figures["entries"] == ["Citizens Advice Demo"]
        assert not day.alerts.filter(kind="concentrated").exists()
        change = Alert.objects.get(kind="rating_changed")
        assert change.data["from"] == "Good" and change.data["to"] == "Requires improvement"
        # the ratings mix of the latest period counts the changed rating as poor
        assert latest["ratings"]["counts"]["Requires improvement"] == 1
        # idempotent
        demo.seed_demo(demo_markets)
        assert Alert.objects.filter(kind="rating_changed").count() == 1
        assert home.figures.count() == 3


def test_unit_costs_come_from_each_providers_priced_services_in_the_category(demo_markets):
    """A second home care provider prices its service in the directory: after a recompute each
    provider has one unit cost, placed against the quartiles across the two."""
    from commissioning.providers.models import CostOption, Organization, Service, ServiceTerm

    with schema_context(demo_markets.schema_name):
        home = Market.objects.get(term__name="Home care")
        latest = home.figures.last().figures
        other = next(s["provider"] for s in latest["shares"] if s["provider"] != "Riverside Care")
        service = Service.objects.create(
            organization=Organization.objects.get(name=other),
            name="Home care at weekends",
            description="x",
        )
        ServiceTerm.objects.create(service=service, term=home.term)
        CostOption.objects.create(service=service, option="Weekday hour", amount=22)
        CostOption.objects.create(service=service, option="Weekend hour", amount=26)
        CostOption.objects.create(service=service, option="Not priced")
        actions.recompute([home.pk])
        latest = home.figures.last().figures
    # Riverside Care: three services at £15 (median 15); the other: median of 22 and 26
    assert latest["unit_costs"] == {
        "lower_quartile": 17.25,
        "median": 19.5,
        "upper_quartile": 21.75,
    }
    assert latest["unit_costs_by_provider"] == [
        {"provider": "Riverside Care", "unit_cost": 15.0, "position": "below lower quartile"},
        {"provider": other, "unit_cost": 24.0, "position": "above upper quartile"},
    ]


def test_bad_spend_file_is_refused_whole_with_errors_by_line(demo_markets):
    csv = (
        "provider,category,area,period,amount\n"
        f"Riverside Care,Home care,{demo_markets.gss_code},2026-27,100.00\n"
        "Nobody Ltd,Home care,E06000001,2026-27,100.00\n"
        "Riverside Care,No such thing,E0600,2026-27,1e5\n"
        "Riverside Care,Home care,E06000001,2026-99,-5\n"
        f"Riverside Care,Home care,{demo_markets.gss_code},2026-27,100.00\n"
    )
    with schema_context(demo_markets.schema_name):
        before = Spend.objects.count()
        with pytest.raises(actions.ImportRefused) as refused:
            actions.import_spend(csv)
        assert Spend.objects.count() == before
    errors = refused.value.errors
    assert any(e.startswith("line 3: provider 'Nobody Ltd'") for e in errors)
    assert any(e.startswith("line 4: category") for e in errors)
    assert any(e.startswith("line 4: area") for e in errors)
    assert any(e.startswith("line 4: amount") for e in errors)
    assert any(e.startswith("line 5: period") for e in errors)
    assert any(e.startswith("line 6:") and "line 2" in e for e in errors)
    with pytest.raises(actions.ImportRefused) as refused:
        with schema_context(demo_markets.schema_name):
            actions.import_spend("provider,amount\nx,1\n")
    assert refused.value.errors == ["line 1: missing column(s): category, area, period."]


def test_bad_ratings_file_is_refused(demo_markets):
    csv = demo.ratings_csv() + "1-9,1-9,Good,Good,Good,Good,Good,Brilliant,31/02/2025\n"
    with schema_context(demo_markets.schema_name):
        count = Rating.objects.count()
        with pytest.raises(actions.ImportRefused) as refused:
            actions.import_ratings(csv)
        assert Rating.objects.count() == count
    assert len(refused.value.errors) == 2 and all(
        e.startswith("line 6:") for e in refused.value.errors
    )


def test_admin_dashboard_and_imports(demo_markets, client_a):
    page = client_a.get("/admin/markets/")
    assert page.status_code == 200 and b"Home care" in page.content
    with schema_context(demo_markets.schema_name):
        home = Market.objects.get(term__name="Home care")
    page = client_a.get(f"/admin/markets/{home.pk}/")
    assert page.status_code == 200
    assert b'role="img"' in page.content and b"Riverside Care" in page.content
    assert b"Unit cost by provider" in page.content and b"Lower quartile to median" in page.content
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("s.csv", b"provider,category,area,period,amount\nX,Y,Z,1,a\n")
    response = client_a.post("/admin/markets/import/spend/", {"file": bad})
    assert response.status_code == 200 and b"line 2:" in response.content
    good = SimpleUploadedFile(
        "s.csv",
        f"provider,category,area,period,amount\nYouth Action,Home care,{demo_markets.gss_code},"
        "2026-27,5000.00\n".encode(),
    )
    assert client_a.post("/admin/markets/import/spend/", {"file": good}).status_code == 302
    with schema_context(demo_markets.schema_name):
        assert MarketFigures.objects.filter(market=home, period="2026-27").exists()


def test_api_list_detail_history(demo_markets, client_a, council_b):
    data = client_a.get("/api/v1/markets/").json()
    rows = data["results"] if isinstance(data, dict) else data
    home = next(m for m in rows if m["category"] == "Home care")
    assert home["latest"]["period"] == "2025-26" and home["latest"]["hhi"] > 2500
    assert {a["kind"] for a in home["alerts"]} >= {"concentrated", "dependent"}
    detail = client_a.get(f"/api/v1/markets/{home['id']}/")
    assert detail.status_code == 200 and detail.json()["name"] == home["name"]
    history = client_a.get(f"/api/v1/markets/{home['id']}/history/").json()
    assert [h["period"] for h in history] == demo.PERIODS
    anonymous = Client(HTTP_HOST=demo_markets.primary_domain)
    assert anonymous.get("/api/v1/markets/").status_code in (401, 403)
    from conftest import _staff_client

    client_b = _staff_client(council_b)
    missing = client_b.get("/api/v1/markets/999999/")
    theirs = client_b.get(f"/api/v1/markets/{home['id']}/")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_the_markets_api_is_in_the_councils_openapi_document(anon_client_a):
    import yaml

    document = yaml.safe_load(anon_client_a.get("/api/schema/").content)
    paths = document["paths"]
    for path in ("/api/v1/markets/", "/api/v1/markets/{id}/", "/api/v1/markets/{id}/history/"):
        assert "get" in paths[path], path
        assert set(paths[path]) <= {"get", "parameters"}, path  # read-only
    market = document["components"]["schemas"]["Market"]["properties"]
    assert {"latest", "supply", "alerts", "area_code", "category_id"} <= set(market)
    history = paths["/api/v1/markets/{id}/history/"]["get"]["responses"]["200"]
    schema = history["content"]["application/json"]["schema"]
    # one list of every period, as the view answers (not a paginated envelope)
    assert schema["type"] == "array" and schema["items"]["$ref"].endswith("/Figures")
    params = {p["name"] for p in paths["/api/v1/markets/{id}/history/"]["get"]["parameters"]}
    assert params == {"id"}
