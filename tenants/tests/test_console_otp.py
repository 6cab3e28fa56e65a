"""Two-factor sign-in to the console (django-otp TOTP): enrol, verify, and nothing without it."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-horse-battery-42"


def code(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def operator():
    return get_user_model().objects.create_superuser("operator@platform.example", password=PASSWORD)


def sign_in(client, username="operator@platform.example", next_="/console/"):
    return client.post(
        f"/console/login/?next={next_}", {"username": username, "password": PASSWORD}
    )


def test_first_sign_in_enrols_an_authenticator_with_a_server_drawn_qr_code(operator):
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"].startswith("/console/enrol/")
    assert client.get("/console/")["Location"].startswith("/console/enrol/")  # not yet

    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert (
        "<svg" in body
        and "<path" in body
        and "<script" not in body.split("<svg")[1].split("</svg>")[0]
    )
    device = TOTPDevice.objects.get(user=operator)
    assert not device.confirmed
    secret = body.split('id="otp-secret">')[1].split("<")[0].replace(" ", "")
    from base64 import b32decode

    assert b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key

    wrong = client.post("/console/enrol/?next=/console/", {"token": code(device, offset=-20)})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1  # wrong codes slow the next try down
    device.throttling_failure_count = 0
    device.save()

    done = client.post("/console/enrol/", {"token": code(device), "next": "/console/"})
    assert done.status_code == 302 and done["Location"] == "/console/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/console/").status_code == 200


def test_sign_in_asks_for_the_code_of_the_enrolled_device(operator):
    device = TOTPDevice.objects.create(user=operator, name="phone", confirmed=True)
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    response = sign_in(client, next_="/console/tenants/council/")
    assert response["Location"].startswith("/console/verify/")
    assert client.get("/console/")["Location"].startswith("/console/verify/")
    assert client.get("/console/tenants/council/").status_code == 302  # the data editor too

    for bad, message in [
        ("", "Enter the 6-digit code"),
        ("12ab56", "Enter the code as 6 digits"),
        ("1234567890", "Enter the code as 6 digits"),
        ("١٢٣٤٥٦", "Enter the code as 6 digits"),  # Arabic-Indic digits are not ASCII
    ]:
        refused = client.post("/console/verify/", {"token": bad})
        assert refused.status_code == 400 and message in refused.content.decode(), bad
    wrong = client.post("/console/verify/", {"token": code(device, offset=-20)})
    assert wrong.status_code == 400
    assert "not right" in wrong.content.decode() or "Too many" in wrong.content.decode()

    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code above throttles the next try briefly
    device.save()
    ok = client.post(
        "/console/verify/", {"token": code(device), "next": "/console/tenants/council/"}
    )
    assert ok.status_code == 302 and ok["Location"] == "/console/tenants/council/"
    assert client.get("/console/").status_code == 200
    assert client.get("/console/tenants/council/").status_code == 200


def test_a_password_alone_opens_nothing_in_the_console(operator, council_a):
    """Signed in without a second factor: every console page and the data editor send the user
    to the code step (or the sign-in), never show a thing."""
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    client.force_login(operator)
    for path in (
        "/console/",
        f"/console/councils/{council_a.slug}/",
        "/console/requests/",
        "/console/data/",
        "/console/tenants/council/",
        "/console/auth/user/",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(("/console/enrol/", "/console/login/")), path
    response = client.post(f"/console/councils/{council_a.slug}/suspend/", {"suspend-reason": "x"})
    assert response.status_code == 302
    council_a.refresh_from_db()
    assert council_a.status == "active"


def test_the_code_step_never_redirects_off_the_platform(operator):
    TOTPDevice.objects.create(user=operator, name="phone", confirmed=True)
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    response = sign_in(client, next_="https://evil.example/")
    assert response["Location"] == "/console/verify/?next=%2Fconsole%2F"


def test_enrolment_is_refused_once_a_device_is_confirmed(operator):
    """Someone with only the password cannot swap in their own authenticator."""
    TOTPDevice.objects.create(user=operator, name="phone", confirmed=True)
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    sign_in(client)
    response = client.get("/console/enrol/")
    assert response.status_code == 302 and response["Location"].startswith("/console/verify/")
    assert TOTPDevice.objects.filter(user=operator).count() == 1


def test_signed_out_visitors_are_sent_to_sign_in():
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    for path in ("/console/verify/", "/console/enrol/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/console/login/")
