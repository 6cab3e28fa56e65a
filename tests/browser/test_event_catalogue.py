"""The event catalogue page on the platform site (/events/) in a real browser: every type
listed, schemas open, axe-core (WCAG 2.2 AA) at 1280 px and 320 px, no horizontal scrolling at
320 px; screenshots under test-output/."""

import pytest

from .test_site import _axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_the_event_catalogue_page_is_accessible(browser_site, page, screenshots_dir):
    from django.conf import settings

    from platform_core.events import catalogue

    port = browser_site[0].rsplit(":", 1)[1]
    response = page.goto(f"http://{settings.PLATFORM_DOMAIN}:{port}/events/")
    assert response.status == 200
    assert page.locator("h1").text_content() == "Event catalogue"
    assert page.locator("h3").count() == len(catalogue())
    summary = page.locator("summary", has_text="JSON Schema of tenants.council.suspended ")
    details = page.locator("details", has=summary)
    assert not details.locator("pre").is_visible()
    summary.click()
    assert details.locator("pre").is_visible()
    assert '"x-scope": "platform"' in details.locator("pre").text_content()
    page.screenshot(path=str(screenshots_dir / "event-catalogue-1280.png"), full_page=True)
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 40))"""
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), wide
    page.screenshot(path=str(screenshots_dir / "event-catalogue-320.png"), full_page=True)
    assert _axe_violations(page) == []
