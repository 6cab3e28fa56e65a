"""What the console's browser journeys share: a platform operator with a confirmed
authenticator, signing in with the second factor, and the check of each screen (axe-core at
1280 px and 320 px with no sideways scrolling, a screenshot at each width)."""

from .test_site import _axe_violations

# The console's notification banners are drawn at once; wait until any on the page is fully
# opaque anyway, as the admin journeys do (axe measures a half-faded message as it is drawn).
SETTLED = """() => [...document.querySelectorAll(".govuk-notification-banner")]
  .every((banner) => getComputedStyle(banner).opacity === "1")"""


def operator(username, password):
    """A superuser with a confirmed TOTP device (the caller removes the user afterwards)."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.create_superuser(username, password=password)
    return TOTPDevice.objects.create(user=user, name="Journey phone", confirmed=True)


def sign_in(page, platform, username, password, device):
    """Password, then the authenticator's current code; ends on the councils list."""
    from django_otp.oath import totp

    page.goto(platform + "/console/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert "/console/verify/" in page.url, (page.url, page.locator("main").inner_text())
    page.get_by_label("Code from your authenticator app").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button").filter(has_text="Sign in").first.click()
    page.get_by_role("heading", name="Councils", exact=True).wait_for()


def check(page, screenshots_dir, name):
    """axe at 1280 px and at 320 px (with no sideways scrolling of the page), screenshots."""
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
