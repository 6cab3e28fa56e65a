"""An analyst's day in the council's Wagtail admin, in a real browser (issue 9): open the
Intelligence menu, create a metric mapped onto the platform's benchmark catalogue, upload a CSV
with mistakes (every bad row listed by line, nothing written), upload the corrected file (the
first rows previewed, then imported), filter the observations and download them as CSV, and
read the publish screen (what is shared, what is suppressed and why, and why an analyst cannot
publish); a Council administrator then publishes. axe-core (WCAG 2.2 AA) at 1280 px and 320 px
on the import and publish screens; screenshots under test-output/."""

import csv
import io

import pytest

from .test_site import CUT_OFF, _axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PASSWORD = "count-what-matters-2026"
CATALOGUE_ID = "bt-recycling"
BAD_CSV = (
    "metric_id,area_code,period,value\n"
    "recycled-share,E06000978,2024-25,lots\n"
    "no-such-metric,E06000978,2024-25,1\n"
    "recycled-share,E06000978,next year,2\n"
)
GOOD_CSV = (
    "metric_id,area_code,period,value,numerator,denominator\n"
    "recycled-share,E06000978,2023-24,55.5,555,1000\n"
    "recycled-share,E06000978,2024-25,57.1,8,14\n"
    "recycled-share,E05000001,2024-25,60.0,600,1000\n"
)


@pytest.fixture(scope="module")
def analyst_accounts(browser_site, django_db_blocker):
    """An analyst and a Council administrator of the browser council (committed), and the
    catalogue metric the analyst maps onto; the catalogue metric and the council's pool entry
    are removed when this module's tests are done."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_tenants.utils import schema_context

    from intelligence.benchmarking.actions import save_catalogue_metric
    from intelligence.benchmarking.models import PoolMember, PoolMetric
    from intelligence.benchmarking.snapshot import bump_version
    from tenants.models import Council

    from .conftest import BROWSER_COUNCIL

    with django_db_blocker.unblock():
        council = Council.objects.get(slug=BROWSER_COUNCIL["slug"])
        save_catalogue_metric(
            metric_id=CATALOGUE_ID,
            title="Household waste recycled (browser test)",
            kind="percentage",
            polarity="higher",
            unit="%",
            theme="waste",
        )
        users = {}
        with schema_context(council.schema_name):
            for role, group in (("analyst", "Analysts"), ("admin", "Council administrators")):
                user, _ = get_user_model().objects.get_or_create(
                    username=f"{role}@browserton.example", defaults={"is_staff": True}
                )
                user.set_password(PASSWORD)
                user.save()
                user.groups.set([Group.objects.get(name=group)])
                users[role] = user.username
        try:
            yield users
        finally:
            PoolMember.objects.filter(gss_code=council.gss_code).delete()
            PoolMetric.objects.filter(metric_id=CATALOGUE_ID).delete()
            bump_version()


def _sign_in(page, base, username):
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def _axe_at_both_widths(page, screenshots_dir, name):
    # axe first: it waits for the page to stop moving (the sidebar slides shut at 320 px), so
    # the screenshot shows the page as it settles, not mid-transition.
    assert _axe_violations(page) == []
    page.screenshot(path=str(screenshots_dir / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    assert _axe_violations(page) == []
    page.screenshot(path=str(screenshots_dir / f"{name}-320.png"), full_page=True)
    # Nothing cut off at 320 px (WCAG 1.4.10): the admin's <main> hides what overflows it.
    assert page.evaluate(CUT_OFF) == [], f"{name}: cut off at the right at 320 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def _upload(page, text, name):
    page.set_input_files(
        "input[name=file]", files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}]
    )
    with page.expect_navigation():
        page.click("button:text('Check the file')")


def _metric_pk(metric_id):
    from django_tenants.utils import schema_context

    from intelligence.warehouse.models import Metric

    from .conftest import BROWSER_COUNCIL

    with schema_context(f"c_{BROWSER_COUNCIL['slug']}"):
        return Metric.objects.get(metric_id=metric_id).pk


def test_analyst_maps_imports_exports_and_reviews_the_publication(
    browser_site, analyst_accounts, browser, page, screenshots_dir
):
    base, _paths = browser_site
    _sign_in(page, base, analyst_accounts["analyst"])
    # The Intelligence menu, then a new metric mapped onto the catalogue.
    page.click("#wagtail-sidebar button:has-text('Intelligence')")
    page.click("#wagtail-sidebar a:has-text('Metrics')")
    page.wait_for_url(f"{base}/admin/warehouse_metrics/")
    page.goto(f"{base}/admin/warehouse_metrics/new/")
    page.fill("#id_metric_id", "recycled-share")
    page.fill("#id_title", "Household waste recycled")
    page.select_option("#id_kind", "percentage")
    page.select_option("#id_polarity", "higher")
    page.check("#id_shared")
    page.select_option("#id_pool_metric", CATALOGUE_ID)
    page.screenshot(path=str(screenshots_dir / "analyst-metric-form.png"), full_page=True)
    page.click("button[type=submit]:has-text('Create')")
    page.wait_for_selector(".messages .success")
    # A file with mistakes: every bad row by line, nothing written.
    page.goto(f"{base}/admin/warehouse_import/")
    _upload(page, BAD_CSV, "recycling-bad.csv")
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 3
    assert [errors.nth(i).locator("td").first.text_content() for i in range(3)] == ["2", "3", "4"]
    assert page.locator("text=Nothing has been imported").count() == 1
    _axe_at_both_widths(page, screenshots_dir, "analyst-import-errors")
    # The corrected file: previewed, then imported.
    _upload(page, GOOD_CSV, "recycling.csv")
    assert page.locator("#import-preview tbody tr").count() == 3
    _axe_at_both_widths(page, screenshots_dir, "analyst-import-preview")
    with page.expect_navigation():
        page.click("button:text('Import 3 rows')")
    assert "3 rows (3 new, 0 replaced)" in page.locator(".messages").text_content()
    _edit_metric_and_set_a_kpi_target(page, base, screenshots_dir)
    # Observations: filter by the metric, download exactly those rows.
    # (By the metric and the area: other tests on this browser council may hold observations
    # for the same area.)
    page.goto(
        f"{base}/admin/warehouse_observations/?metric={_metric_pk('recycled-share')}"
        "&area_code=E06000978"
    )
    assert page.locator("table.listing tbody tr").count() == 2
    page.screenshot(path=str(screenshots_dir / "analyst-observations.png"), full_page=True)
    with page.expect_download() as download:
        page.click("a:has-text('Download CSV')")
    rows = list(csv.DictReader(io.StringIO(open(download.value.path()).read())))  # noqa: PTH123
    assert [(r["period"], r["value"]) for r in rows] == [("2023-24", "55.5"), ("2024-25", "57.1")]
    # The publish screen: what is shared, what is suppressed and why, and why not me.
    page.goto(f"{base}/admin/warehouse_publish/")
    assert "Only Council administrators publish" in page.locator("#cannot-publish").text_content()
    assert page.locator("button:has-text('Publish')").count() == 0
    suppressed = page.locator("#suppressed-values tbody").text_content()
    assert "2024-25" in suppressed and "numerator under 10" in suppressed
    _axe_at_both_widths(page, screenshots_dir, "analyst-publish")
    # A Council administrator has the button, and publishes.
    _administrator_publishes(browser, base, analyst_accounts["admin"], screenshots_dir)


def _edit_metric_and_set_a_kpi_target(page, base, screenshots_dir):
    """Edit the metric, make it a KPI and give the KPI a target (a bad period named and
    refused first)."""
    page.goto(f"{base}/admin/warehouse_metrics/?q=recycled-share")
    page.locator("table.listing tr", has_text="Household waste recycled").locator("a").first.click()
    page.fill("#id_description", "Share of household waste sent for reuse, recycling or composting")
    page.fill("#id_unit", "%")
    page.click("button[type=submit]:has-text('Save')")
    page.wait_for_selector(".messages .success")
    assert "Household waste recycled" in page.locator(".messages").text_content()
    page.goto(f"{base}/admin/warehouse_kpis/new/")
    page.select_option("#id_metric", label="recycled-share: Household waste recycled")
    page.fill("#id_amber_tolerance_percent", "5")
    page.click("button[type=submit]:has-text('Create')")
    page.wait_for_selector(".messages .success")
    row = page.locator("table.listing tr", has_text="recycled-share").inner_text()
    assert "Household waste recycled" in row and "5" in row, row
    page.goto(f"{base}/admin/warehouse_kpi_targets/new/")
    assert page.locator("h1").inner_text().strip() == "New: KPI target"
    assert "Kpi" not in page.locator("main").inner_text()
    assert page.locator("label[for=id_kpi]").inner_text().strip().startswith("KPI")
    page.select_option("#id_kpi", label="Household waste recycled")
    page.fill("#id_period", "next year")
    page.fill("#id_target", "60")
    page.click("button[type=submit]:has-text('Create')")
    field = page.locator(".w-field__wrapper:has(#id_period)").inner_text()
    assert "'next year' is not a period: expected a financial year (2025-26)" in field, field
    _axe_at_both_widths(page, screenshots_dir, "analyst-kpi-target-error")
    page.fill("#id_period", "2024-25")
    page.click("button[type=submit]:has-text('Create')")
    page.wait_for_selector(".messages .success")
    row = page.locator("table.listing tr", has_text="Household waste recycled").inner_text()
    assert "2024-25" in row and "60" in row, row
    _axe_at_both_widths(page, screenshots_dir, "analyst-kpi-targets")


def _administrator_publishes(browser, base, username, screenshots_dir):
    from intelligence.benchmarking.models import PoolValue

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        _sign_in(page, base, username)
        page.goto(f"{base}/admin/warehouse_publish/")
        button = page.locator("button:has-text('to the pool')")
        assert button.text_content().strip() == "Publish 2 values to the pool"
        with page.expect_navigation():
            button.click()
        message = page.locator(".messages").text_content()
        assert "Published 2 values of 1 metrics (1 suppressed" in message
        page.screenshot(path=str(screenshots_dir / "analyst-published.png"), full_page=True)
    finally:
        context.close()
    values = PoolValue.objects.filter(metric__metric_id=CATALOGUE_ID, member__gss_code="E06000978")
    assert sorted(values.values_list("period", "suppressed")) == [
        ("2023-24", False),
        ("2024-25", True),
    ]
