"""A council administrator's markets screens in a real browser: the dashboard (spend by
source, capacity, demand, utilisation, alerts), a market's page (capacity against demand, the
source of each share), its settings form (a demand metric the warehouse does not have is
refused on the field; a good one saved) and the capacity import (a bad file refused with its
lines). axe-core (WCAG 2.2 AA) at 1280 px and 320 px on each; screenshots under test-output/."""

import pytest

from .test_commissioner import _axe_at_both_widths

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PASSWORD = "shape-the-market-2026"


@pytest.fixture(scope="module")
def market_admin(browser_site, django_db_blocker):
    """A council administrator and the demo markets (directory, spend, ratings, capacity,
    demand) in the browser council (committed; removed with the council at the end)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_tenants.utils import schema_context

    from commissioning.markets import demo
    from commissioning.markets.models import Market
    from commissioning.providers.demo import seed_demo as seed_directory
    from tenants.models import Council

    from .conftest import BROWSER_COUNCIL

    with django_db_blocker.unblock():
        council = Council.objects.get(slug=BROWSER_COUNCIL["slug"])
        with schema_context(council.schema_name):
            user, _ = get_user_model().objects.get_or_create(
                username="markets@browserton.example", defaults={"is_staff": True}
            )
            user.set_password(PASSWORD)
            user.save()
            user.groups.set(Group.objects.filter(name="Council administrators"))
            seed_directory(council)
            demo.seed_demo(council)
            home = Market.objects.get(term__name="Home care").pk
    return user.username, home


def test_markets_dashboard_market_settings_and_capacity_import(
    browser_site, market_admin, page, screenshots_dir, tmp_path
):
    base, _ = browser_site
    username, home = market_admin
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")

    page.goto(f"{base}/admin/markets/")
    assert "Utilisation" in page.content() and "Demand exceeds capacity" in page.content()
    _axe_at_both_widths(page, screenshots_dir, "markets-dashboard")

    page.goto(f"{base}/admin/markets/{home}/")
    assert "Capacity against demand" in page.content()
    assert "home-care-hours-needed" in page.content()
    _axe_at_both_widths(page, screenshots_dir, "markets-market")

    page.goto(f"{base}/admin/markets/{home}/edit/")
    page.fill("input[name=demand_metric_id]", "no-such-metric")
    with page.expect_navigation():
        page.click("button:text('Save')")
    assert "is not a metric of the council" in page.content()
    _axe_at_both_widths(page, screenshots_dir, "markets-settings-refused")
    page.fill("input[name=demand_metric_id]", "home-care-hours-needed")
    page.fill("input[name=min_capacity]", "3000")
    with page.expect_navigation():
        page.click("button:text('Save')")
    assert "Capacity below its threshold" in page.content()

    bad = tmp_path / "capacity.csv"
    bad.write_text("provider,category,area,unit,capacity\nNobody,Home care,E0,beds,x\n")
    page.goto(f"{base}/admin/markets/import/capacity/")
    page.set_input_files("input[name=file]", str(bad))
    with page.expect_navigation():
        page.click("button:text('Import')")
    assert "line 2: provider 'Nobody' is not in the directory." in page.content()
    _axe_at_both_widths(page, screenshots_dir, "markets-capacity-refused")
