"""The public sign-up page (/join/) under abuse, and approval that never fails after the council
is committed."""

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings

from tenants import actions
from tenants.models import Council, CouncilRequest
from tenants.tests.consolehelpers import second_factor
from tenants.tests.mail import run_welcome_task

SIGNUP = {
    "name": "Gammaton Council",
    "slug": "gammaton",
    "gss_code": "E06000903",
    "tier": "unitary",
    "region": "wales",
    "contact_name": "Ada Chief",
    "contact_email": "chief@gammaton.example",
}


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def platform_client(platform_host):
    return Client(HTTP_HOST=platform_host)


@pytest.fixture
def console(platform_host):
    from django.contrib.auth import get_user_model

    client = Client(HTTP_HOST=platform_host)
    root = get_user_model().objects.create_superuser("root@platform.example")
    client.force_login(root)
    second_factor(client, root)
    return client


def _signup_rate(rate):
    framework = settings.REST_FRAMEWORK
    return override_settings(
        REST_FRAMEWORK={
            **framework,
            "DEFAULT_THROTTLE_RATES": {**framework["DEFAULT_THROTTLE_RATES"], "signup": rate},
        },
        TRUSTED_PROXY_COUNT=0,
    )


@pytest.mark.django_db
def test_signup_is_rate_limited_per_address_and_a_forged_header_does_not_reset_it(
    platform_client,
):
    with _signup_rate("2/hour"):
        statuses = [
            platform_client.post(
                "/join/",
                {**SIGNUP, "slug": f"gammaton{i}", "gss_code": f"E0600091{i}"},
                HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
            ).status_code
            for i in range(3)
        ]
        assert statuses == [302, 302, 429]
        refused = platform_client.post("/join/", {**SIGNUP, "slug": "gammaton9"})
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    assert CouncilRequest.objects.count() == 2
    assert platform_client.get("/join/").status_code == 200  # reading the form is not limited


@pytest.mark.django_db
def test_signup_does_not_reveal_a_suspended_council(platform_client, council_a, council_b):
    """A suspended council is not listed publicly, so /join/ must not confirm that it exists:
    its slug and GSS code get the answer a free slug gets. An active (listed) council's slug is
    refused with a message that names no status."""
    actions.suspend_council(council_a)
    response = platform_client.post(
        "/join/", {**SIGNUP, "slug": council_a.slug, "gss_code": council_a.gss_code}
    )
    free = platform_client.post("/join/", {**SIGNUP, "slug": "gammaton"})
    assert response.status_code == free.status_code == 302
    assert response["Location"] == free["Location"]
    followed = platform_client.get(response["Location"]).content.decode().lower()
    assert "suspend" not in followed

    taken = platform_client.post(
        "/join/", {**SIGNUP, "slug": council_b.slug, "gss_code": "E06000905"}
    )
    assert taken.status_code == 400
    body = taken.content.decode()
    assert "already taken" in body
    assert "suspend" not in body.lower()


@pytest.mark.django_db
def test_approving_a_request_for_a_suspended_councils_slug_is_refused_in_the_console(
    platform_client, console, council_a
):
    actions.suspend_council(council_a)
    platform_client.post("/join/", {**SIGNUP, "slug": council_a.slug})
    request = CouncilRequest.objects.get(slug=council_a.slug)
    response = console.post(
        "/console/tenants/councilrequest/",
        {"action": "approve", "_selected_action": [request.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "already taken" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "pending"
    assert Council.objects.filter(slug=council_a.slug).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Gammaton Council\r\nBcc: victim@example.org"),
        ("name", "Gammaton\nCouncil"),
        ("contact_name", "Ada\r\nChief"),
        ("name", "Gammaton\x00Council"),
    ],
)
def test_signup_refuses_line_breaks_and_control_characters_in_names(platform_client, field, value):
    response = platform_client.post("/join/", {**SIGNUP, field: value})
    assert response.status_code == 400
    assert "control characters" in response.content.decode() or "Null characters" in (
        response.content.decode()
    )
    assert not CouncilRequest.objects.exists()


@pytest.mark.django_db
def test_approval_survives_a_mail_server_that_refuses_and_says_so(
    platform_client, console, django_capture_on_commit_callbacks
):
    platform_client.post("/join/", SIGNUP)
    request = CouncilRequest.objects.get(slug="gammaton")
    with (
        override_settings(EMAIL_BACKEND="tenants.tests.mail.RefusingEmailBackend"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = console.post(
            "/console/tenants/councilrequest/",
            {"action": "approve", "_selected_action": [request.pk]},
        )
        assert response.status_code == 302
        council = Council.objects.get(slug="gammaton")
        assert run_welcome_task(council) == "failed"  # the task, after every retry
    request.refresh_from_db()
    assert request.status == "approved"
    council.refresh_from_db()
    assert council.admin_invitation == "failed"

    # The console shows it, and sends a new link once mail works again.
    listing = console.get("/console/tenants/council/").content.decode()
    assert "Could not be sent" in listing
    response = console.post(
        "/console/tenants/council/",
        {"action": "send_admin_invitation", "_selected_action": [council.pk]},
        follow=True,
    )
    assert "emailed chief@gammaton.example" in response.content.decode()
    assert len(mail.outbox) == 1
    assert "gammaton.localhost:8000/admin/password_reset/confirm/" in mail.outbox[0].body
    council.refresh_from_db()
    assert council.admin_invitation == "sent"


@pytest.mark.django_db
def test_approval_answers_without_waiting_for_the_mail_server(
    platform_client, console, monkeypatch
):
    """The approval's answer does not wait for the mail server (the welcome email is a task,
    tenants.send_welcome_email): with the broker unreachable and on_commit made immediate (as
    the outermost commit of production), the console answers at once that the link will be
    emailed; the mail server is never called within the request."""
    from django.db import transaction

    from tenants.tests.test_welcome import Broker

    platform_client.post("/join/", SIGNUP)
    request = CouncilRequest.objects.get(slug="gammaton")
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
    broker = Broker()
    try:
        with override_settings(EMAIL_BACKEND="tenants.tests.mail.FlakyEmailBackend"):
            from tenants.tests.mail import FlakyEmailBackend

            FlakyEmailBackend.attempts = 0
            response = console.post(
                "/console/tenants/councilrequest/",
                {"action": "approve", "_selected_action": [request.pk]},
                follow=True,
            )
    finally:
        broker.back()
    assert response.status_code == 200
    assert "will be emailed a set-password link" in response.content.decode()
    assert FlakyEmailBackend.attempts == 0 and mail.outbox == []
    assert Council.objects.get(slug="gammaton").admin_invitation == "pending"


@pytest.mark.django_db
def test_console_approval_needs_the_add_council_permission(platform_client, platform_host):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    platform_client.post("/join/", SIGNUP)
    request = CouncilRequest.objects.get(slug="gammaton")
    clerk = get_user_model().objects.create_user("clerk@platform.example", is_staff=True)
    clerk.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_councilrequest", "change_councilrequest", "view_council"]
        )
    )
    client = Client(HTTP_HOST=platform_host)
    client.force_login(clerk)
    second_factor(client, clerk)
    client.post(
        "/console/tenants/councilrequest/",
        {"action": "approve", "_selected_action": [request.pk]},
    )
    request.refresh_from_db()
    assert request.status == "pending"
    assert not Council.objects.filter(slug="gammaton").exists()
