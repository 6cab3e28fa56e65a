import pytest
from django.core import mail
from django.test import override_settings
from django_tenants.utils import schema_exists
from rest_framework.test import APIClient

from tenants.models import Council
from tenants.tests.mail import run_welcome_task

PAYLOAD = {
    "name": "Gammaton Council",
    "slug": "gammaton",
    "gss_code": "E06000903",
    "tier": "unitary",
    "region": "wales",
    "admin_email": "chief@gammaton.example",
}


@pytest.mark.django_db
def test_platform_staff_provision_a_council_through_the_api(
    platform_staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = platform_staff_client.post("/platform/api/v1/councils/", PAYLOAD, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["council"]["slug"] == "gammaton"
    assert body["council"]["domains"] == ["gammaton.localhost"]
    assert body["admin_email"] == "chief@gammaton.example"
    assert schema_exists("c_gammaton")
    # The set-password link goes to the administrator by email only, never into the response.
    assert "set_password_url" not in body
    assert b"password_reset" not in response.content
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["chief@gammaton.example"]
    assert "gammaton.localhost:8000/admin/password_reset/confirm/" in mail.outbox[0].body
    assert Council.objects.get(slug="gammaton").admin_invitation == "sent"


@pytest.mark.django_db
def test_a_failure_to_email_the_link_is_reported_not_a_500(
    platform_staff_client, django_capture_on_commit_callbacks
):
    with (
        override_settings(EMAIL_BACKEND="tenants.tests.mail.RefusingEmailBackend"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = platform_staff_client.post("/platform/api/v1/councils/", PAYLOAD, format="json")
        assert response.status_code == 201
        council = Council.objects.get(slug="gammaton")
        assert council.admin_invitation == "pending"  # the task retries with backoff
        assert run_welcome_task(council) == "failed"  # every retry refused
    council.refresh_from_db()
    assert council.admin_invitation == "failed"
    assert "Connection refused" in council.admin_invitation_error
    detail = platform_staff_client.get("/platform/api/v1/councils/gammaton/").json()
    assert detail["admin_invitation"] == "failed"


def _operator(platform_host, *codenames):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from rest_framework.authtoken.models import Token

    user = get_user_model().objects.create_user(
        f"operator-{len(codenames)}@platform.example", is_staff=True, password=None
    )
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="tenants", codename__in=codenames)
    )
    client = APIClient(HTTP_HOST=platform_host)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.mark.django_db
def test_staff_without_council_permissions_are_refused(platform_host, council_a):
    client = _operator(platform_host)
    assert client.get("/platform/api/v1/councils/").status_code == 403
    assert client.get(f"/platform/api/v1/councils/{council_a.slug}/").status_code == 403
    assert client.post("/platform/api/v1/councils/", PAYLOAD, format="json").status_code == 403
    assert not Council.objects.filter(slug="gammaton").exists()


@pytest.mark.django_db
def test_view_permission_reads_but_does_not_provision(platform_host, council_a):
    client = _operator(platform_host, "view_council")
    assert client.get("/platform/api/v1/councils/").status_code == 200
    assert client.get(f"/platform/api/v1/councils/{council_a.slug}/").status_code == 200
    response = client.post("/platform/api/v1/councils/", PAYLOAD, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Council.objects.filter(slug="gammaton").exists()


@pytest.mark.django_db
def test_names_with_line_breaks_are_refused(platform_staff_client):
    response = platform_staff_client.post(
        "/platform/api/v1/councils/",
        {**PAYLOAD, "name": "Gammaton Council\r\nBcc: victim@example.org"},
        format="json",
    )
    assert response.status_code == 400
    assert "name" in response.json()["error"]["fields"]
    assert not Council.objects.filter(slug="gammaton").exists()


@pytest.mark.django_db
def test_platform_staff_list_and_read_councils(platform_staff_client, council_a):
    listing = platform_staff_client.get("/platform/api/v1/councils/").json()
    slugs = [c["slug"] for c in listing["results"]]
    assert council_a.slug in slugs
    assert "platform" not in slugs
    detail = platform_staff_client.get(f"/platform/api/v1/councils/{council_a.slug}/").json()
    assert detail["gss_code"] == council_a.gss_code
    assert platform_staff_client.get("/platform/api/v1/councils/nowhere/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("gss_code", "E0600090"),
        ("gss_code", "Q12345678"),
        ("tier", "parish"),
        ("slug", "www"),
        ("slug", "admin"),
        ("slug", "alphaford"),
        ("admin_email", "nope"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(platform_staff_client, field, value):
    before = Council.objects.count()
    response = platform_staff_client.post(
        "/platform/api/v1/councils/", {**PAYLOAD, field: value}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert field in error["message"]
    assert Council.objects.count() == before


@pytest.mark.django_db
def test_missing_fields_are_named(platform_staff_client):
    response = platform_staff_client.post("/platform/api/v1/councils/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) >= {
        "name",
        "slug",
        "gss_code",
        "tier",
        "admin_email",
    }


@pytest.mark.django_db
def test_anonymous_and_council_staff_cannot_use_the_platform_api(platform_host, client_a):
    anonymous = APIClient(HTTP_HOST=platform_host)
    assert anonymous.get("/platform/api/v1/councils/").status_code == 401
    assert anonymous.post("/platform/api/v1/councils/", PAYLOAD, format="json").status_code == 401
    # Council staff on their own domain: the platform API does not exist there.
    assert client_a.get("/platform/api/v1/councils/").status_code == 404


@pytest.mark.django_db
def test_non_staff_platform_user_is_refused(platform_host):
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    user = get_user_model().objects.create_user("resident@example.org")
    client = APIClient(HTTP_HOST=platform_host)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert client.get("/platform/api/v1/councils/").status_code == 403
