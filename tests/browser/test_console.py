"""The platform team's console in a real browser: first sign-in with two-factor enrolment (a
TOTP code computed from the key the page shows), the overview of councils, approving a sign-up
request (which provisions the council), suspending (from the keyboard) and reactivating it, with
axe-core (WCAG 2.2 AA) at 1280 px and 320 px on every page and screenshots under
test-output/screenshots/console-*.png."""

from base64 import b32decode

import pytest

from .console import check as _check

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "Console-journey-pass-42"
USERNAME = "journey@platform.example"
REQUEST = {
    "name": "Consoleton Council",
    "slug": "consoleton",
    "gss_code": "E06000976",
    "tier": "unitary",
    "region": "east-midlands",
    "contact_name": "Chief Executive",
    "contact_email": "chief@consoleton.example",
}
NOT_A_COUNCIL = {
    **REQUEST,
    "name": "Consoleton Parish Social Club",
    "slug": "consoleton-club",
    "gss_code": "E06000975",
    "contact_email": "secretary@consoleton-club.example",
}


@pytest.fixture(scope="session")
def console_world(browser_site, django_db_blocker):
    """Committed (the live server runs in another thread): a platform superuser with a password
    and no authenticator yet, and a waiting sign-up request. Removed afterwards with the council
    the journey provisions."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from cms.testing import remove_council
    from tenants.models import CouncilEvent, CouncilRequest

    base, _ = browser_site
    port = base.rsplit(":", 1)[1]

    def clean():
        get_user_model().objects.filter(username=USERNAME).delete()
        CouncilRequest.objects.filter(slug__in=[REQUEST["slug"], NOT_A_COUNCIL["slug"]]).delete()
        CouncilEvent.objects.filter(council_slug=REQUEST["slug"]).delete()
        remove_council(REQUEST["slug"])

    with django_db_blocker.unblock():
        clean()
        get_user_model().objects.create_superuser(USERNAME, password=PASSWORD)
        CouncilRequest.objects.create(**NOT_A_COUNCIL)
        CouncilRequest.objects.create(**REQUEST)
    try:
        yield f"http://{settings.PLATFORM_DOMAIN}:{port}"
    finally:
        with django_db_blocker.unblock():
            clean()


def _totp(secret_text: str) -> str:
    from django_otp.oath import totp

    secret = secret_text.replace(" ", "")
    return f"{totp(b32decode(secret + '=' * (-len(secret) % 8))):06d}"


def test_console_journey(console_world, page, screenshots_dir):
    platform = console_world
    page.goto(platform + "/console/")
    assert "/console/login/" in page.url
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    _check(page, screenshots_dir, "sign-in")
    page.get_by_role("button", name="Continue").click()

    # First sign-in: set up the authenticator from the QR code's key.
    page.wait_for_load_state()
    assert "/console/enrol/" in page.url, page.locator("main").inner_text()
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    assert page.locator(".console-qr svg").count() == 1
    _check(page, screenshots_dir, "enrol")
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Confirm and sign in").click()
    assert page.locator(".govuk-error-summary").is_visible()  # a wrong code is named, not a 500
    secret = page.locator("#otp-secret").inner_text()
    page.get_by_label("Code from your authenticator app").fill(_totp(secret))
    # The wrong code throttles the device for a second; retry until the next try is allowed.
    for _ in range(5):
        page.get_by_role("button", name="Confirm and sign in").click()
        if page.get_by_role("heading", name="Councils").count():
            break
        page.wait_for_timeout(1000)  # the throttle's delay, not a fixed sleep for the server
        page.get_by_label("Code from your authenticator app").fill(_totp(secret))

    # Overview: every council with its figures, never the platform itself.
    page.get_by_role("heading", name="Councils", exact=True).wait_for()
    table = page.locator("table.console-table")
    assert table.get_by_role("link", name="Browserton Council").count() == 1
    assert table.get_by_text("Council Platform", exact=True).count() == 0
    _check(page, screenshots_dir, "overview")

    # Reject a request that is not from a council: without a reason it is refused by name.
    page.get_by_role("link", name="Requests", exact=True).click()
    club = page.locator(".govuk-summary-card", has_text=NOT_A_COUNCIL["name"])
    club.get_by_role("button", name=f"Reject {NOT_A_COUNCIL['name']}").click()
    assert (
        "Enter the reason for rejecting the request"
        in page.locator(".govuk-error-summary").inner_text()
    )
    _check(page, screenshots_dir, "request-reason-missing")
    club = page.locator(".govuk-summary-card", has_text=NOT_A_COUNCIL["name"])
    club.get_by_label("Reason (required to reject)").fill("A social club, not a local authority")
    club.get_by_role("button", name=f"Reject {NOT_A_COUNCIL['name']}").click()
    decided = page.locator("table:has(caption:text('Decided requests'))")
    row = decided.locator("tr", has_text=NOT_A_COUNCIL["name"]).inner_text()
    assert "Rejected" in row and "A social club, not a local authority" in row, row
    assert USERNAME in row

    # Approve the waiting request with a reason.
    card = page.locator(".govuk-summary-card", has_text="Consoleton Council")
    card.get_by_label("Reason (required to reject)").fill("Checked against the ONS register")
    _check(page, screenshots_dir, "requests")
    card.get_by_role("button", name="Approve Consoleton Council").click()
    page.get_by_role("heading", name="Consoleton Council").wait_for(timeout=60000)
    assert (
        "Provisioned Consoleton Council" in page.locator(".govuk-notification-banner").inner_text()
    )

    # Suspend from the keyboard: type the reason and press Enter.
    reason = page.get_by_label("Reason for suspending")
    reason.focus()
    page.keyboard.type("Unpaid invoice")
    page.keyboard.press("Enter")
    page.get_by_text("Consoleton Council is suspended").wait_for()
    history = page.locator("#history ~ div table")
    assert "Unpaid invoice" in history.inner_text() and USERNAME in history.inner_text()
    _check(page, screenshots_dir, "council-suspended")

    page.get_by_label("Reason for reactivating (optional)").fill("Paid")
    page.get_by_role("button", name="Reactivate council").click()
    page.get_by_text("Consoleton Council is active again").wait_for()
    kinds = page.locator("#history ~ div tbody tr td:nth-child(2)").all_inner_texts()
    assert kinds[:3] == ["Reactivated", "Suspended", "Provisioned"]
