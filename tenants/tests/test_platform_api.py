import pytest
from django_tenants.utils import schema_exists
from rest_framework.test import APIClient

from tenants.models import Council

PAYLOAD = {
    "name": "Gammaton Council",
    "slug": "gammaton",
    "gss_code": "E06000903",
    "tier": "unitary",
    "region": "wales",
    "admin_email": "chief@gammaton.example",
}


@pytest.mark.django_db
def test_platform_staff_provision_a_council_through_the_api(platform_staff_client):
    response = platform_staff_client.post("/platform/api/v1/councils/", PAYLOAD, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["council"]["slug"] == "gammaton"
    assert body["council"]["domains"] == ["gammaton.localhost"]
    assert "/admin/password_reset/confirm/" in body["set_password_url"]
    assert schema_exists("c_gammaton")


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
