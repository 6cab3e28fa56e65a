"""A benchmarker on the platform's /benchmarks/ in a real browser (issue 9): from the platform
home page, pick a council by typing (GOV.UK's accessible autocomplete), a measure and a group,
read the sorted column chart, the time series and the tables, download the peer values as CSV
(exactly the rows shown), open the permalink, and do the same without JavaScript (the plain
select). axe-core (WCAG 2.2 AA) at 1280 px and 320 px, no horizontal scrolling at 320 px;
screenshots under test-output/."""

import csv
import io
import json
import re

import pytest

from .test_site import _axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(scope="module")
def benchmark_pool(browser_site, django_db_blocker):
    """A committed synthetic pool (40 councils, 8 measures, 3 years) and the browser council
    publishing a measure, so it is a council on the platform in the pool; removed when this
    module's tests are done (other tests of the session expect an empty pool)."""
    from django.conf import settings

    from intelligence.benchmarking.actions import PublishedValue, publish_values
    from intelligence.benchmarking.models import PoolMember, PoolMetric
    from intelligence.benchmarking.seeding import seed_pool
    from intelligence.benchmarking.snapshot import bump_version
    from tenants.models import Council

    from .conftest import BROWSER_COUNCIL

    with django_db_blocker.unblock():
        seed_pool(councils=40, metrics=8, years=3, last_year=2024)
        council = Council.objects.get(slug=BROWSER_COUNCIL["slug"])
        metric = PoolMetric.objects.filter(is_context=False, kind="percentage").first()
        publish_values(
            council,
            [
                PublishedValue(metric.metric_id, period, value)
                for period, value in (("2022-23", 61.0), ("2023-24", 64.5), ("2024-25", 66.0))
            ],
        )
        port = browser_site[0].rsplit(":", 1)[1]
        try:
            yield f"http://{settings.PLATFORM_DOMAIN}:{port}", council, metric
        finally:
            PoolMember.objects.filter(gss_code=council.gss_code).delete()
            PoolMember.objects.filter(synthetic=True).delete()
            PoolMetric.objects.filter(synthetic=True).delete()
            bump_version()


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_benchmarker_compares_a_council_with_its_peers(
    benchmark_pool, browser, page, screenshots_dir
):
    platform, council, metric = benchmark_pool
    page.goto(f"{platform}/")
    page.click("text=Compare a council with its peers")
    page.wait_for_selector("h1:text('Compare councils')")
    # The council picker: type part of the name, choose it from the suggestions.
    field = page.locator("input#council")
    field.fill("Browser")
    page.locator(".autocomplete__option", has_text=council.name).first.click()
    # The measure, under its theme, with how many councils report it.
    option = page.locator(f"select#metric option[value='{metric.metric_id}']")
    assert re.search(r" \(\d+ councils\)$", option.text_content()), option.text_content()
    assert option.evaluate("o => o.parentElement.tagName") == "OPTGROUP"
    page.select_option("select#metric", metric.metric_id)
    page.screenshot(path=str(screenshots_dir / "benchmarks-form-1280.png"), full_page=True)
    assert _axe_violations(page) == []
    page.click("button:text('Compare')")
    page.wait_for_selector("#peer-table")
    assert page.locator("h2#results").text_content().startswith(metric.title)
    # Choose a group now that its size is known for this council.
    tier = page.locator("select#group option[value=tier]").text_content()
    size = int(re.search(r"(\d+) councils$", tier).group(1))
    page.select_option("select#group", "tier")
    page.click("button:text('Compare')")
    page.wait_for_selector("#series-table")
    assert page.locator("svg#peer-chart-t, svg.bm-chart title#peer-chart-t").count() == 1
    assert page.locator("svg.bm-chart desc#series-chart-d").count() == 1
    subject_row = page.locator("#peer-table tr.bm-subject th").text_content()
    assert council.name in subject_row
    # The group is as big as the choice said; the columns are sorted best first, the council's
    # own labelled; the median line and quartile band are drawn at the summary's figures; the
    # value axis has even steps.
    group = page.locator(".govuk-summary-list__row", has_text="Group").last.inner_text()
    assert group.split("\t")[-1].startswith(f"{size} councils"), group
    values = [
        float(v)
        for v in page.locator("#peer-table tbody td.govuk-table__cell--numeric").all_inner_texts()
        if re.fullmatch(r"-?[\d.]+", v.strip())
    ]
    best_first = sorted(values, reverse=metric.polarity != "lower")
    assert values == best_first and len(values) >= 3
    chart = page.locator("svg#peer-chart-t, svg.bm-chart:has(title#peer-chart-t)").first
    labels = chart.locator("text").all_text_contents()
    assert any(t.startswith(f"{council.name}: ") for t in labels), labels
    median = page.locator(".govuk-summary-list__row", has_text="Group median").inner_text()
    median_figure = re.search(r"Group median\s+(-?[\d.]+)", median).group(1)
    assert f"Median {median_figure}" in labels, (median, labels)
    # The quartile band and the median line are drawn, in the legend's colours.
    assert chart.locator("rect[fill='#d2e2f1']").count() == 1
    assert chart.locator("line[stroke='#d4351c']").count() == 1
    # The time series: the group's inter-quartile band and its median line.
    series_chart = page.locator("svg.bm-chart:has(title#series-chart-t)")
    assert series_chart.locator("polygon[fill='#d2e2f1']").count() == 1
    assert series_chart.locator("[stroke='#d4351c']").count() >= 1
    ticks = [float(t.replace(",", "")) for t in labels if re.fullmatch(r"-?[\d,.]+", t)]
    steps = {round(b - a, 6) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(ticks) >= 3 and len(steps) == 1, ticks
    page.screenshot(path=str(screenshots_dir / "benchmarks-results-1280.png"), full_page=True)
    page.locator("figure.bm-figure").first.screenshot(
        path=str(screenshots_dir / "benchmarks-peer-chart.png")
    )
    page.locator("figure.bm-figure").nth(1).screenshot(
        path=str(screenshots_dir / "benchmarks-series-chart.png")
    )
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert _no_horizontal_scroll(page)
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('svg.bm-chart text')).fontSize)"
    )
    assert size >= 14  # chart lettering does not shrink with the page
    family = page.evaluate(
        "getComputedStyle(document.querySelector('svg.bm-chart text')).fontFamily"
    )
    assert family.startswith('"GDS Transport"'), family  # the GOV.UK typeface
    page.screenshot(path=str(screenshots_dir / "benchmarks-results-320.png"), full_page=True)
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    # The CSV download holds exactly the rows of the table.
    shown = page.locator("#peer-table tbody tr").count()
    with page.expect_download() as download:
        page.click("a:text('CSV') >> nth=0")
    rows = list(csv.DictReader(io.StringIO(open(download.value.path()).read())))  # noqa: PTH123
    assert len(rows) == shown and sum(r["subject"] == "True" for r in rows) == 1
    # The JSON holds the same councils, in the same order, as the table.
    with page.expect_download() as download:
        page.click("a:text('JSON') >> nth=0")
    data = json.loads(open(download.value.path()).read())  # noqa: PTH123, SIM115
    names = [t.strip() for t in page.locator("#peer-table tbody th").all_inner_texts()]
    names = [n.split("\n")[0].removesuffix(" (the council compared)").strip() for n in names]
    assert [p["council"] for p in data["peers"]] == names
    # The time series download has a row for each row of the series table.
    with page.expect_download() as download:
        page.click("a:text('CSV') >> nth=1")
    series = list(csv.DictReader(io.StringIO(open(download.value.path()).read())))  # noqa: PTH123, SIM115
    assert len(series) == page.locator("#series-table tbody tr").count()
    # The permalink shows the same view again.
    heading = page.locator("h2#results").text_content()
    page.goto(page.locator("#permalink").input_value())
    assert page.locator("h2#results").text_content() == heading


def test_benchmarker_without_javascript_uses_the_plain_select(
    benchmark_pool, browser, screenshots_dir
):
    platform, council, metric = benchmark_pool
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{platform}/benchmarks/")
        page.select_option("select#council", council.gss_code)
        page.select_option("select#metric", metric.metric_id)
        page.click("button:text('Compare')")
        page.wait_for_selector("#peer-table")
        assert council.name in page.locator("#peer-table tr.bm-subject th").text_content()
        assert _no_horizontal_scroll(page)
        page.screenshot(path=str(screenshots_dir / "benchmarks-no-js-320.png"), full_page=True)
    finally:
        context.close()


def test_benchmarks_page_is_valid_html(benchmark_pool, tmp_path):
    """The Nu HTML Checker finds no error on the form, a result, and a refused choice."""
    from .test_html_validity import _fetch, run_vnu

    platform, council, metric = benchmark_pool
    files = []
    for name, query in (
        ("form", ""),
        ("result", f"?council={council.gss_code}&metric={metric.metric_id}&group=tier"),
        ("refused", f"?council={council.gss_code}&metric={metric.metric_id}&period=soon"),
    ):
        status, body = _fetch(f"{platform}/benchmarks/{query}")
        assert status in (200, 400), name
        (tmp_path / f"{name}.html").write_bytes(body)
        files.append(tmp_path / f"{name}.html")
    errors = [m for m in run_vnu(files) if m.get("type") == "error"]
    assert errors == [], [
        (m.get("url", "").rsplit("/", 1)[-1], m.get("lastLine"), m["message"]) for m in errors
    ]
