"""Feature flags in the console, in a real browser: a platform operator switches Browserton's
ward budgets (participatory budgeting) off, its /participate/ page is gone (the site's 404),
then switches it back on and the page is there again; axe-core at 1280 px and 320 px on the
features screen, screenshots under test-output/screenshots/console-features-*.png."""

import pytest

from .test_site import _axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

USERNAME = "features@platform.example"
PASSWORD = "Features-journey-pass-42"

# The console's notification banners are drawn at once; wait until any on the page is fully
# opaque anyway, as the admin journeys do (axe measures a half-faded message as it is drawn).
SETTLED = """() => [...document.querySelectorAll(".govuk-notification-banner")]
  .every((banner) => getComputedStyle(banner).opacity === "1")"""


@pytest.fixture(scope="session")
def features_world(browser_site, django_db_blocker):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

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
        user = get_user_model().objects.create_superuser(USERNAME, password=PASSWORD)
        device = TOTPDevice.objects.create(user=user, name="Journey phone", confirmed=True)
    try:
        yield f"http://{settings.PLATFORM_DOMAIN}:{port}", base, device
    finally:
        with django_db_blocker.unblock():
            clean()


def _check(page, screenshots_dir, name):
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function(SETTLED)
        page.screenshot(path=str(screenshots_dir / f"console-{name}-{width}.png"), full_page=True)
        assert _axe_violations(page) == [], f"{name} at {width}px"
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways at {width}px"
    page.set_viewport_size({"width": 1280, "height": 900})


def _switch(page, state_label, reason):
    page.get_by_label("Feature", exact=True).select_option("participation")
    page.get_by_label(state_label).check()
    page.get_by_label("Reason (optional)").fill(reason)
    page.get_by_role("button", name="Save").click()


def test_switch_a_feature_off_and_on_again(features_world, page, screenshots_dir):
    from django_otp.oath import totp

    platform, site, device = features_world
    assert page.goto(site + "/participate/").status == 200  # on by default

    page.goto(platform + "/console/login/")
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    page.get_by_label("Code from your authenticator app").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button").filter(has_text="Sign in").first.click()
    page.get_by_role("heading", name="Councils", exact=True).wait_for()

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
