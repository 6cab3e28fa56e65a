"""Sign-up and approval, suspension and reactivation, unknown hosts."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_tenants.utils import schema_exists

from tenants import actions
from tenants.models import Council, CouncilRequest
from tenants.tests.consolehelpers import second_factor

SIGNUP = {
    "name": "Gammaton Council",
    "slug": "gammaton",
    "gss_code": "E06000903",
    "tier": "unitary",
    "region": "wales",
    "contact_name": "Ada Chief",
    "contact_email": "chief@gammaton.example",
}


@pytest.fixture
def platform_client(platform_host):
    return Client(HTTP_HOST=platform_host)


@pytest.fixture
def platform_admin_client(platform_client):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root@platform.example", password=None)
    platform_client.force_login(admin)
    second_factor(platform_client, admin)
    platform_client.user = admin
    return platform_client


@pytest.mark.django_db
def test_signup_then_console_approval_provisions_the_council(
    platform_client, platform_admin_client
):
    response = platform_client.post("/join/", SIGNUP)
    assert response.status_code == 302
    request = CouncilRequest.objects.get(slug="gammaton")
    assert request.status == "pending"
    assert not Council.objects.filter(slug="gammaton").exists()

    response = platform_admin_client.post(
        "/console/tenants/councilrequest/", {"action": "approve", "_selected_action": [request.pk]}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "approved"
    assert request.council.slug == "gammaton"
    assert schema_exists("c_gammaton")


@pytest.mark.django_db
def test_signup_with_bad_input_shows_errors_and_stores_nothing(platform_client):
    response = platform_client.post("/join/", {**SIGNUP, "gss_code": "E05000001", "slug": "www"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "GSS code" in body and "reserved" in body
    assert not CouncilRequest.objects.exists()


@pytest.mark.django_db(transaction=False)
def test_welcome_email_carries_the_set_password_link(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = actions.provision_council(
            name="Gammaton Council",
            slug="gammaton",
            gss_code="E06000903",
            tier="unitary",
            admin_email="chief@gammaton.example",
        )
    assert len(mail.outbox) == 1
    # A fresh link made by the task (tenants.send_welcome_email), for the same administrator:
    # the same address and user id; the token may be of a later second.
    same_user = result.set_password_url.rstrip("/").rsplit("/", 1)[0] + "/"
    assert same_user in mail.outbox[0].body


@pytest.mark.django_db
def test_set_password_link_lets_the_first_admin_sign_in(platform_host):
    result = actions.provision_council(
        name="Gammaton Council",
        slug="gammaton",
        gss_code="E06000903",
        tier="unitary",
        admin_email="chief@gammaton.example",
        notify=False,
    )
    client = Client(HTTP_HOST="gammaton.localhost")
    path = result.set_password_url.split("localhost:8000", 1)[-1].split("localhost", 1)[-1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    password = "a-Long-unguessable-passphrase-42"
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    # Sign in through the admin's form, as a person would (the lockout backend needs a request).
    response = client.post(
        "/admin/login/", {"username": "chief@gammaton.example", "password": password}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_suspended_council_answers_503_everywhere_and_keeps_its_data(
    council_a, client_a, anon_client_a
):
    call_command("suspend_council", slug=council_a.slug)
    for path in ("/", "/admin/", "/admin/login/", "/api/v1/me/"):
        response = anon_client_a.get(path)
        assert response.status_code == 503, path
        assert council_a.name in response.content.decode()
    # Staff cannot sign in, even with a valid session.
    assert client_a.get("/api/v1/me/").status_code == 503
    assert schema_exists(council_a.schema_name)

    call_command("reactivate_council", slug=council_a.slug)
    assert anon_client_a.get("/").status_code == 200
    assert client_a.get("/api/v1/me/").json()["council"] == council_a.slug


@pytest.mark.django_db
def test_suspending_one_council_leaves_the_other_running(council_a, council_b):
    actions.suspend_council(council_a)
    assert Client(HTTP_HOST=council_b.primary_domain).get("/").status_code == 200


@pytest.mark.django_db
def test_console_suspends_and_reactivates(platform_admin_client, council_a):
    platform_admin_client.post(
        "/console/tenants/council/", {"action": "suspend", "_selected_action": [council_a.pk]}
    )
    council_a.refresh_from_db()
    assert council_a.status == "suspended"
    platform_admin_client.post(
        "/console/tenants/council/", {"action": "reactivate", "_selected_action": [council_a.pk]}
    )
    council_a.refresh_from_db()
    assert council_a.status == "active"


@pytest.mark.django_db
def test_archived_council_is_not_served(council_a, anon_client_a):
    actions.set_council_status(council_a, Council.Status.ARCHIVED)
    assert anon_client_a.get("/").status_code == 404


@pytest.mark.django_db
def test_unknown_council_host_gets_the_platform_404():
    response = Client(HTTP_HOST="nowhere.localhost").get("/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "There is no council website" in body
    assert "Alphaford" not in body and "Betaby" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["evil.example.com", "alphaford.localhost.evil.com"])
def test_host_outside_the_platform_and_the_domain_table_is_refused(host):
    # Not a platform pattern and not in the Domain table: Django's DisallowedHost, a 400.
    response = Client(HTTP_HOST=host).get("/")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Alphaford" not in body and "Betaby" not in body


@pytest.mark.django_db
def test_suspend_unknown_council_command_fails():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No council"):
        call_command("suspend_council", slug="nowhere")


@pytest.mark.django_db
def test_health_check_answers_on_any_host():
    response = Client(HTTP_HOST="10.0.0.7").get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_council_home_page_is_branded_with_the_council_name(anon_client_a, council_a):
    response = anon_client_a.get("/")
    assert response.status_code == 200
    assert council_a.name in response.content.decode()
