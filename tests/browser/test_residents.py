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
