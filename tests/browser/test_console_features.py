"""Feature flags in the console, in a real browser: a platform operator switches Browserton's
ward budgets (participatory budgeting) off, its /participate/ page is gone (the site's 404),
then switches it back on and the page is there again; axe-core at 1280 px and 320 px on the
features screen, screenshots under test-output/screenshots/console-features-*.png."""

import pytest

from .console import check as _check
from .console import operator, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

USERNAME = "features@platform.example"
PASSWORD = "Features-journey-pass-42"


@pytest.fixture(scope="session")
def features_world(browser_site, django_db_blocker):
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from platform_core import features
    from platform_core.models import CouncilFeature
    from tenants.models import CouncilEvent

    base, _ = browser_site
    port = base.rsplit(":", 1)[1]

    def clean():
        get_user_model().objects.filter(username=USERNAME).delete()
        CouncilFeature.objects.filter(schema_name="c_browserton").delete()
        CouncilEvent.objects.filter(
            council_slug="browserton", kind=CouncilEvent.Kind.FEATURE_CHANGED
        ).delete()
        features.forget("c_browserton")

    with django_db_blocker.unblock():
        clean()
        device = operator(USERNAME, PASSWORD)
    try:
        yield f"http://{settings.PLATFORM_DOMAIN}:{port}", base, device
    finally:
        with django_db_blocker.unblock():
            clean()


def _switch(page, state_label, reason):
    page.get_by_label("Feature", exact=True).select_option("participation")
    page.get_by_label(state_label).check()
    page.get_by_label("Reason (optional)").fill(reason)
    page.get_by_role("button", name="Save").click()


def test_switch_a_feature_off_and_on_again(features_world, page, screenshots_dir):
    platform, site, device = features_world
    assert page.goto(site + "/participate/").status == 200  # on by default
    sign_in(page, platform, USERNAME, PASSWORD, device)

    page.goto(platform + "/console/councils/browserton/")
    page.get_by_role("link", name="Features of Browserton Council").click()
    page.get_by_role("heading", name="Features", exact=True).wait_for()
    row = page.locator('tr[data-feature="participation"]')
    assert row.get_attribute("data-enabled") == "on"
    _check(page, screenshots_dir, "features")

    # A bad submission is named on the page (nothing chosen), not a 500.
    page.get_by_role("button", name="Save").click()
    assert "Choose a feature" in page.locator(".govuk-error-summary").inner_text()
    _check(page, screenshots_dir, "features-error")

    _switch(page, "Off for this council", "Not running ward budgets this year")
    page.get_by_text("Ward budgets (participatory budgeting) is off").wait_for()
    assert row.get_attribute("data-enabled") == "off"
    assert "Not running ward budgets this year" in page.locator("#feature-events").inner_text()
    _check(page, screenshots_dir, "features-off")

    gone = page.context.new_page()
    response = gone.goto(site + "/participate/")
    assert response.status == 404
    assert "Page not found" in gone.locator("main").inner_text()

    _switch(page, "Follow the default", "Back for the spring round")
    page.get_by_text("Ward budgets (participatory budgeting) is on").wait_for()
    assert row.get_attribute("data-enabled") == "on"
    assert gone.goto(site + "/participate/").status == 200
    gone.close()

    page.goto(platform + "/console/councils/browserton/")
    kinds = page.locator("#history ~ div tbody tr td:nth-child(2)").all_inner_texts()
    assert kinds[:2] == ["Feature switched", "Feature switched"]
