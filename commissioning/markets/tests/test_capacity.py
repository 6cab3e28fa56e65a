"""Capacity against demand: providers' capacity (per service/location, a CSV import validated
whole) against demand from the warehouse (a metric mapped as the market's demand measure), a
utilisation figure, and alerts when demand exceeds capacity or capacity falls below the
market's threshold. Dashboard, settings form and API fields; council B sees none of it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from commissioning.markets import actions, demo
from commissioning.markets import figures as f
from commissioning.markets.models import Capacity, Market
from commissioning.providers.demo import seed_demo as seed_directory

pytestmark = pytest.mark.django_db


def test_supply_arithmetic_and_alerts():
    demand = {"period": "2025-26", "value": 150.0, "title": "t", "unit": "places"}
    s = f.supply(providers={"a": 60, "b": 40}, entered=500, demand=demand, min_capacity=120)
    assert s["capacity"] == 100 and s["capacity_source"] == "providers"
    assert s["utilisation"] == 150.0 and s["as_of"] == "2025-26"
    assert [k for k, _ in f.supply_alerts(s)] == ["over_capacity", "low_capacity"]
    entered = f.supply(providers={}, entered=200, demand=demand)
    assert entered["capacity_source"] == "market" and entered["utilisation"] == 75.0
    assert f.supply_alerts(entered) == []
    unknown = f.supply(providers={}, demand=None, as_of="2026-27")
    assert unknown["capacity"] is None and unknown["utilisation"] is None
    assert unknown["as_of"] == "2026-27" and f.supply_alerts(unknown) == []


@pytest.fixture
def demo_markets(council_a):
    from intelligence.warehouse.demo import seed_demo as seed_warehouse

    with schema_context(council_a.schema_name):
        seed_warehouse(council_a)
        seed_directory(council_a)
        demo.seed_demo(council_a)
    return council_a


def test_demo_capacity_against_demand_raises_an_alert(demo_markets):
    with schema_context(demo_markets.schema_name):
        home = Market.objects.get(term__name="Home care")
        s = home.supply
        assert s["capacity"] == 900 + 700 + 500 + 300 and s["capacity_unit"] == "hours"
        assert s["capacity_source"] == "providers"
        assert s["providers"][0] == {"provider": "Riverside Care", "capacity": 2100}
        assert s["demand"] == 2900.0 and s["demand_period"] == "2025-26"
        assert s["demand_metric"] == "home-care-hours-needed"
        assert s["utilisation"] == pytest.approx(100 * 2900 / 2400, abs=0.1)
        alert = home.alerts.get(kind="over_capacity")
        assert alert.period == "2025-26" and "exceeds capacity" in alert.message
        # per service and location
        assert Capacity.objects.filter(market=home, service__isnull=False).count() == 3
        assert Capacity.objects.filter(market=home, location__isnull=False).count() == 3
        day = Market.objects.get(term__name="Day services")
        assert day.supply["utilisation"] == 83.3 and not day.alerts.filter(
            kind__in=["over_capacity", "low_capacity"]
        )
        # a threshold above capacity: low_capacity
        actions.update_market(day, {"min_capacity": 200})
        assert day.alerts.filter(kind="low_capacity").exists()
        # the latest period's figures carry capacity and demand
        assert home.figures.last().figures["capacity"] == 2400
        # idempotent
        demo.seed_demo(demo_markets)
        assert home.alerts.filter(kind="over_capacity").count() == 1


def test_bad_capacity_file_is_refused_whole(demo_markets):
    gss = demo_markets.gss_code
    csv = (
        "provider,category,area,service,location,unit,capacity\n"
        f"Riverside Care,Home care,{gss},Home care visits (North),,hours,10\n"
        f"Riverside Care,Home care,{gss},Youth club (North),,hours,10\n"
        f"Riverside Care,Home care,{gss},,Nowhere at all,hours,10\n"
        f"Hillview Carers Centre,Home care,{gss},,,places,10\n"
        f"Youth Action,Day services,{gss},,,beds,1.5\n"
        f"Riverside Care,Home care,{gss},Home care visits (North),,hours,20\n"
    )
    with schema_context(demo_markets.schema_name):
        before = list(Capacity.objects.values_list("pk", "amount"))
        with pytest.raises(actions.ImportRefused) as refused:
            actions.import_capacity(csv)
        assert list(Capacity.objects.values_list("pk", "amount")) == before
    errors = refused.value.errors
    assert any(e.startswith("line 3: service 'Youth club (North)'") for e in errors)
    assert any(e.startswith("line 4: location 'Nowhere at all'") for e in errors)
    assert any(e.startswith("line 5: unit 'places' differs from line 2") for e in errors)
    assert any(e.startswith("line 6: unit 'beds'") for e in errors)
    assert any(e.startswith("line 6: capacity '1.5'") for e in errors)
    assert any(e.startswith("line 7:") and "line 2" in e for e in errors)
    with pytest.raises(actions.ImportRefused) as refused:
        with schema_context(demo_markets.schema_name):
            actions.import_capacity("provider,category,area\nx,y,z\n")
    assert refused.value.errors == ["line 1: missing column(s): unit, capacity."]


def test_admin_settings_capacity_import_and_api(demo_markets, client_a, council_b):
    with schema_context(demo_markets.schema_name):
        day = Market.objects.get(term__name="Day services")
    page = client_a.get("/admin/markets/")
    assert page.status_code == 200 and b"Utilisation" in page.content
    page = client_a.get(f"/admin/markets/{day.pk}/")
    assert (
        b"Capacity against demand" in page.content and b"day-service-places-needed" in page.content
    )
    assert client_a.get(f"/admin/markets/{day.pk}/edit/").status_code == 200
    bad = client_a.post(
        f"/admin/markets/{day.pk}/edit/",
        {"area_name": "Alphaford", "demand_metric_id": "no-such-metric", "capacity_unit": "places"},
    )
    assert bad.status_code == 200 and b"is not a metric" in bad.content
    with schema_context(demo_markets.schema_name):
        assert Market.objects.get(pk=day.pk).demand_metric_id == "day-service-places-needed"
    good = client_a.post(
        f"/admin/markets/{day.pk}/edit/",
        {
            "area_name": "Alphaford",
            "demand_metric_id": "day-service-places-needed",
            "capacity_unit": "places",
            "min_capacity": "500",
        },
    )
    assert good.status_code == 302
    upload = SimpleUploadedFile(
        "c.csv",
        f"provider,category,area,unit,capacity\nYouth Action,Day services,"
        f"{demo_markets.gss_code},places,100\n".encode(),
    )
    assert client_a.post("/admin/markets/import/capacity/", {"file": upload}).status_code == 302
    detail = client_a.get(f"/api/v1/markets/{day.pk}/").json()
    assert detail["supply"]["capacity"] == 100 and detail["supply"]["utilisation"] == 150.0
    assert detail["min_capacity"] == 500 and detail["capacity_unit"] == "places"
    assert {a["kind"] for a in detail["alerts"]} >= {"over_capacity", "low_capacity"}
    from conftest import _staff_client

    client_b = _staff_client(council_b)
    assert client_b.get(f"/api/v1/markets/{day.pk}/").status_code == 404
    assert client_b.get(f"/admin/markets/{day.pk}/edit/").status_code == 404
    with schema_context(council_b.schema_name):
        assert not Capacity.objects.exists()
