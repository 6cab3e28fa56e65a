"""Residents in a real browser: a suspended council's 503 page is styled (its stylesheet and
fonts are still served), accessible at 1280 px and 320 px, and gives the council's contact
details. Screenshots under test-output/screenshots/."""

import pytest

from .test_site import _axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def committed(fn):
    """Run ``fn`` on a connection of its own (a thread), so what it writes is committed at once
    and the server thread sees it; the test's own connection is inside a rolled-back
    transaction."""
    import threading

    from django.db import connections

    errors = []

    def run():
        try:
            fn()
        except Exception as exc:  # re-raised in the test
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


@pytest.fixture
def suspended_site(browser_site, django_db_blocker):
    """The browser council, suspended for this test only (committed: the server sees it)."""
    from tenants import actions
    from tenants.models import Council

    from .conftest import BROWSER_COUNCIL

    def council():
        return Council.objects.get(slug=BROWSER_COUNCIL["slug"])

    committed(lambda: actions.suspend_council(council(), reason="browser test"))
    try:
        yield browser_site[0]
    finally:
        committed(lambda: actions.reactivate_council(council()))


def test_suspended_council_page_is_styled_and_gives_contact_details(
    suspended_site, page, screenshots_dir
):
    failed = []
    page.on("response", lambda r: r.status >= 400 and r.status != 503 and failed.append(r.url))
    response = page.goto(suspended_site + "/bins-and-recycling/")
    assert response.status == 503
    assert page.locator("h1").inner_text() == "Sorry, Browserton Council's website is unavailable"
    # GOV.UK Frontend's stylesheet and fonts arrived: the page is not the browser's default look.
    assert "GDS Transport" in page.evaluate(
        "getComputedStyle(document.querySelector('h1')).fontFamily"
    )
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.govuk-footer')).backgroundColor"
    ) not in ("rgba(0, 0, 0, 0)", "")
    assert page.locator("text=01234 567000").count() == 1
    assert page.locator("a[href^='mailto:']").count() == 1
    page.screenshot(path=str(screenshots_dir / "suspended-1280.png"), full_page=True)
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert _axe_violations(page) == []
    page.screenshot(path=str(screenshots_dir / "suspended-320.png"), full_page=True)
    assert failed == []


@pytest.mark.parametrize("path", ["/accessibility/", "/privacy/"])
def test_starter_pages_written_from_the_councils_details(browser_site, page, screenshots_dir, path):
    """The accessibility statement and privacy notice every new council starts with
    (cms/starter.py), reached from the footer, accessible at both widths."""
    base, _ = browser_site
    page.goto(base + "/")
    page.locator(f"footer a[href='{path}']").click()
    page.wait_for_url(base + path)
    text = page.locator("main").inner_text()
    assert "Browserton Council" in text
    if path == "/accessibility/":
        assert "This website is run by Browserton Council." in text
        assert "browserton.localhost" in text
    else:
        assert "Browserton Council is the data controller" in text
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert _axe_violations(page) == []
    page.screenshot(path=str(screenshots_dir / f"starter{path.strip('/')}-320.png"), full_page=True)


DECISION = "Adopt the revised housing allocations scheme"


@pytest.fixture(scope="module")
def demo_site(browser_site, django_db_blocker):
    """The browser council with what ``make run`` adds to every demo council's site: the
    records demo (the decisions page) and the performance page, and a published decision with
    an action arising (the demo's own decision is seeded only into a council with no decisions
    yet, and the records manager's journeys may have made some)."""
    from datetime import date

    from django.core.cache import caches
    from django_tenants.utils import schema_context

    from intelligence.warehouse.demo import _performance_page
    from records import actions
    from records.demo import seed_demo
    from records.models import Decision
    from tenants.models import Council

    from .conftest import BROWSER_COUNCIL

    with django_db_blocker.unblock():
        council = Council.objects.get(slug=BROWSER_COUNCIL["slug"])
        with schema_context(council.schema_name):
            seed_demo(council)
            _performance_page()
            if not Decision.objects.filter(title=DECISION).exists():
                decision = actions.create_decision(
                    "browser test",
                    title=DECISION,
                    decision_maker="Cabinet",
                    decision_date=date(2026, 10, 7),
                    reasons="Waiting times have doubled since the last review.",
                )
                actions.publish_decision("browser test", decision)
                actions.create_action_item(
                    "browser test", decision, description="Publish the new scheme", owner="Housing"
                )
    caches["default"].clear()
    return browser_site


def _axe_and_reflow(page, screenshots_dir, name):
    page.set_viewport_size({"width": 1280, "height": 900})
    assert _axe_violations(page) == [], f"{name} at 1280 px"
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, name
    assert _axe_violations(page) == [], f"{name} at 320 px"
    page.screenshot(path=str(screenshots_dir / f"resident-{name}-320.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_resident_reaches_events_directory_forms_performance_and_decisions_from_home(
    demo_site, page, screenshots_dir
):
    """Each is one click from the home page's "Your council" list; the decisions page lists the
    published decision and opens it with its reasons and the actions arising."""
    base, paths = demo_site
    wanted = {
        "events": paths["events_index"],
        "directory": paths["directory"],
        "form": paths["form"],
        "performance": "/performance/",
        "decisions": "/decisions/",
    }
    for name, path in wanted.items():
        page.goto(base + "/")
        link = page.locator(f"main a[href='{path}']").first
        title = link.inner_text().strip()
        link.click()
        page.wait_for_url(base + path)
        assert page.locator("h1").first.inner_text().strip() == title, name
    # The decisions page (the last one opened): the demo's published decision, then its page.
    table = page.locator("main table").inner_text()
    assert "Adopt the revised housing allocations scheme" in table and "Cabinet" in table
    _axe_and_reflow(page, screenshots_dir, "decisions")
    page.click("a:has-text('Adopt the revised housing allocations scheme')")
    main = page.locator("main").inner_text()
    assert "Waiting times have doubled since the last review." in main
    assert "Publish the new scheme — Housing" in main
    _axe_and_reflow(page, screenshots_dir, "decision")
    page.goto(base + "/performance/")
    assert page.locator("h1").inner_text() == "How we are performing"
    _axe_and_reflow(page, screenshots_dir, "performance")


def test_the_footer_sitemap_is_an_html_page_of_the_site(demo_site, page, screenshots_dir):
    base, paths = demo_site
    page.goto(base + paths["service"])
    page.locator("footer a:has-text('Sitemap')").click()
    page.wait_for_url(base + "/sitemap/")
    assert page.locator("h1").inner_text() == "Sitemap"
    main = page.locator("main")
    for path in (paths["events_index"], paths["a_to_z"], "/decisions/", "/performance/"):
        assert main.locator(f"a[href='{path}']").count() >= 1, path
    _axe_and_reflow(page, screenshots_dir, "sitemap")
    # The machine-readable sitemap's addresses carry this server's scheme, host and port.
    from .test_html_validity import _fetch

    status, body = _fetch(base + "/sitemap.xml")
    assert status == 200
    assert f"<loc>{base}{paths['events_index']}</loc>" in body.decode(), body[:500]


@pytest.fixture
def major_alert(browser_site):
    """A committed site-wide major alert on the browser council, removed afterwards."""
    from django.core.cache import caches
    from django_tenants.utils import schema_context

    from cms.models import AlertBanner

    from .conftest import BROWSER_COUNCIL

    def create():
        with schema_context(f"c_{BROWSER_COUNCIL['slug']}"):
            AlertBanner.objects.create(
                title="Flood warning for the riverside",
                message="Leave the riverside now. Rest centres are open.",
                alert_type="major",
                site_wide=True,
                dismissible=False,
            )

    def remove():
        with schema_context(f"c_{BROWSER_COUNCIL['slug']}"):
            AlertBanner.objects.filter(title="Flood warning for the riverside").delete()

    committed(create)
    caches["default"].clear()
    try:
        yield browser_site
    finally:
        committed(remove)
        caches["default"].clear()


def test_a_major_alert_looks_urgent(major_alert, page, screenshots_dir):
    """Red, as GOV.UK's urgent banners are, never the green of a success message."""
    base, paths = major_alert
    page.goto(base + paths["service"])
    banner = page.locator(".council-alert", has_text="Flood warning for the riverside")
    assert banner.locator(".govuk-notification-banner__title").inner_text() == "Major alert"
    assert "govuk-notification-banner--success" not in banner.get_attribute("class")
    colours = banner.evaluate(
        """el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).borderTopColor,
                  getComputedStyle(el.querySelector('.govuk-notification-banner__heading')).color]"""
    )
    assert colours == ["rgb(212, 53, 28)"] * 3, colours
    page.screenshot(path=str(screenshots_dir / "resident-major-alert-1280.png"))
    _axe_and_reflow(page, screenshots_dir, "major-alert")


def test_the_demo_councils_other_public_pages_have_no_html_errors(demo_site, tmp_path):
    """The Nu HTML Checker on the public pages the page-type check does not reach: decisions
    (the list and one decision), the performance page, the generated accessibility statement and
    privacy notice."""
    from django_tenants.utils import schema_context

    from records.models import Decision

    from .conftest import BROWSER_COUNCIL
    from .test_html_validity import _fetch, run_vnu

    base, _paths = demo_site
    with schema_context(f"c_{BROWSER_COUNCIL['slug']}"):
        decision = Decision.objects.filter(title=DECISION, published=True).first()
    files = []
    for name, path in (
        ("decisions", "/decisions/"),
        ("decision", f"/decisions/{decision.pk}/"),
        ("performance", "/performance/"),
        ("accessibility", "/accessibility/"),
        ("privacy", "/privacy/"),
    ):
        status, body = _fetch(base + path)
        assert status == 200, (name, status)
        (tmp_path / f"{name}.html").write_bytes(body)
        files.append(tmp_path / f"{name}.html")
    errors = [m for m in run_vnu(files) if m.get("type") == "error"]
    assert errors == [], [
        (m.get("url", "").rsplit("/", 1)[-1], m.get("lastLine"), m["message"]) for m in errors
    ]
