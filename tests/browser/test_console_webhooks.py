"""Platform webhooks in the console, in a real browser: a platform operator (with the second
factor) subscribes a receiver on 127.0.0.1 to Browserton's suspension and reactivation, copies
the secret shown once, the lifecycle events arrive signed, the attempts are on the delivery's
page; rotates the secret, disables and enables the endpoint; a failing receiver's delivery is
dead-lettered and replayed from the dead letters page. axe-core at 1280 px and 320 px on each
screen, screenshots under test-output/screenshots/console-webhook*.png."""

import pytest

from .console import check as _check
from .console import operator, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

USERNAME = "webhooks@platform.example"
PASSWORD = "Webhooks-journey-pass-42"


@pytest.fixture(scope="session")
def webhooks_world(browser_site, django_db_blocker):
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from platform_core.events.testing import Receiver
    from platform_core.models import PlatformWebhookEndpoint

    base, _ = browser_site
    port = base.rsplit(":", 1)[1]

    def clean():
        get_user_model().objects.filter(username=USERNAME).delete()
        PlatformWebhookEndpoint.objects.filter(description="Browser journey").delete()

    receiver = Receiver().start()
    with django_db_blocker.unblock():
        clean()
        device = operator(USERNAME, PASSWORD)
    try:
        yield f"http://{settings.PLATFORM_DOMAIN}:{port}", device, receiver
    finally:
        receiver.stop()
        with django_db_blocker.unblock():
            clean()
            from tenants import actions
            from tenants.models import Council

            council = Council.objects.get(slug="browserton")
            if council.status != Council.Status.ACTIVE:  # a failed journey leaves it as it was
                actions.reactivate_council(council)


def _suspend_and_reactivate(page, platform, *steps):
    """Suspend or reactivate Browserton on its console page. Each step's commit wakes the
    platform relay (eager Celery in tests: in the request), which sends the event's
    deliveries."""
    page.goto(platform + "/console/councils/browserton/")
    for step in steps:
        if step == "suspend":
            page.get_by_label("Reason for suspending").fill("Browser journey")
            page.get_by_role("button", name="Suspend council").click()
            page.get_by_text("Browserton Council is suspended").wait_for()
        else:
            page.get_by_role("button", name="Reactivate council").click()
            page.get_by_text("Browserton Council is active again").wait_for()


def test_subscribe_receive_rotate_disable_and_replay(
    webhooks_world, page, screenshots_dir, settings
):
    platform, device, receiver = webhooks_world
    sign_in(page, platform, USERNAME, PASSWORD, device)

    page.get_by_role("link", name="Webhooks", exact=True).click()
    page.get_by_role("heading", name="Webhooks", exact=True).wait_for()
    _check(page, screenshots_dir, "webhooks")
    page.get_by_role("link", name="Add an endpoint").click()
    page.get_by_role("heading", name="Add a webhook endpoint").wait_for()
    assert page.get_by_label("records.record.destroyed").count() == 0  # council types: never
    page.get_by_role("button", name="Subscribe").click()  # nothing filled in: named, not a 500
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the endpoint URL" in summary and "Choose at least one event type" in summary
    _check(page, screenshots_dir, "webhook-add-error")

    page.get_by_label("Endpoint URL").fill(receiver.url)
    page.get_by_label("Description (optional)").fill("Browser journey")
    page.get_by_label("tenants.council.suspended").check()
    page.get_by_label("tenants.council.reactivated").check()
    page.get_by_role("button", name="Subscribe").click()
    secret = page.locator("#signing-secret").inner_text().strip()
    assert len(secret) >= 20
    _check(page, screenshots_dir, "webhook-secret")
    receiver.secret = secret
    page.reload()
    assert page.locator("#signing-secret").count() == 0  # shown once

    endpoint_url = page.url
    _suspend_and_reactivate(page, platform, "suspend", "reactivate")
    kinds = [q["event"]["type"] for q in receiver.requests]
    assert kinds == ["tenants.council.suspended", "tenants.council.reactivated"]
    assert all(q["verified"] for q in receiver.requests)
    assert receiver.requests[0]["event"]["council"] == "c_browserton"
    page.goto(endpoint_url)
    assert page.locator('tr[data-status="delivered"]').count() == 2
    _check(page, screenshots_dir, "webhook")
    page.get_by_role("link", name="tenants.council.suspended").click()
    page.locator("#attempts").wait_for()
    assert page.locator('#attempts tr[data-ok="true"]').count() == 1
    _check(page, screenshots_dir, "webhook-delivery")
    page.get_by_role("link", name="Endpoint #").click()

    # Rotate with a 1-hour overlap: the new secret, once; deliveries carry both signatures.
    page.get_by_label("Hours the old secret still signs").fill("1")
    page.get_by_role("button", name="Rotate the secret").click()
    new_secret = page.locator("#signing-secret").inner_text().strip()
    assert new_secret != secret
    page.locator("#overlap-until").wait_for()
    page.get_by_role("button", name="Disable the endpoint").click()
    page.get_by_text("is disabled").first.wait_for()
    assert "Disabled" in page.locator("#endpoint-status").inner_text()
    _check(page, screenshots_dir, "webhook-disabled")
    page.get_by_role("button", name="Enable the endpoint").click()
    page.get_by_text("is enabled").first.wait_for()

    # A failing receiver, with no retry window left (the server runs in this process): the
    # first failed attempt is final, a dead letter.
    receiver.status = 500
    settings.WEBHOOKS_RETRY_WINDOW_HOURS = 0
    _suspend_and_reactivate(page, platform, "suspend")
    page.goto(platform + "/console/webhooks/dead-letters/")
    page.get_by_role("heading", name="Dead letters").wait_for()
    assert page.locator("tr[data-delivery]").count() == 1
    _check(page, screenshots_dir, "webhook-dead")
    receiver.status = 200
    settings.WEBHOOKS_RETRY_WINDOW_HOURS = 24
    page.get_by_role("button", name="Replay").click()  # its commit wakes the relay
    page.get_by_text("is queued again").wait_for()
    delivery_url = page.url
    _suspend_and_reactivate(page, platform, "reactivate")
    page.goto(delivery_url)
    assert "Delivered" in page.locator("#delivery-status").inner_text()
    assert page.locator('#attempts tr[data-ok="false"]').count() == 1
    assert page.locator('#attempts tr[data-ok="true"]').count() == 1
    _check(page, screenshots_dir, "webhook-replayed")
    got = [q["event"]["type"] for q in receiver.requests if q["verified"]]
    assert got[-2:] == ["tenants.council.suspended", "tenants.council.reactivated"]
