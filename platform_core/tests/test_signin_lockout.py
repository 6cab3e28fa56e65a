"""Brute-force protection on sign-in (django-axes): each council's Wagtail admin and the platform
console lock an account out of one address after repeated failures, per council, and a forged
X-Forwarded-For cannot reset the count."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django_tenants.utils import schema_context

PASSWORD = "a-Long-unguessable-passphrase-42"
USERNAME = "clerk@shared-name.example"


def _user(schema: str, username: str = USERNAME, **extra):
    with schema_context(schema):
        user = get_user_model().objects.create_user(
            username, email=username, password=PASSWORD, is_staff=True, **extra
        )
    return user


def _admin_sign_in(client: Client, password: str, username: str = USERNAME, **headers):
    return client.post("/admin/login/", {"username": username, "password": password}, **headers)


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_wagtail_admin_locks_an_account_out_after_repeated_failures(council_a):
    _user(council_a.schema_name)
    client = Client(HTTP_HOST=council_a.primary_domain)
    statuses = [_admin_sign_in(client, f"wrong-{i}").status_code for i in range(3)]
    assert statuses == [200, 200, 429]
    # Locked out: even the right password is refused, with the platform's page.
    response = _admin_sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_lockout_in_one_council_does_not_lock_the_same_username_in_another(council_a, council_b):
    """Users live per council schema, and so do axes' attempts: the same username in council B
    is another person and is not locked out by failures in council A."""
    _user(council_a.schema_name)
    _user(council_b.schema_name)
    in_a = Client(HTTP_HOST=council_a.primary_domain)
    for i in range(3):
        _admin_sign_in(in_a, f"wrong-{i}")
    assert _admin_sign_in(in_a, PASSWORD).status_code == 429

    in_b = Client(HTTP_HOST=council_b.primary_domain)
    assert _admin_sign_in(in_b, "wrong").status_code == 200  # a failure, not a lockout
    assert _admin_sign_in(in_b, PASSWORD).status_code == 302  # signed in

    from axes.models import AccessAttempt

    with schema_context(council_a.schema_name):
        assert AccessAttempt.objects.filter(username=USERNAME, failures_since_start__gte=3).exists()
    with schema_context(council_b.schema_name):
        assert not AccessAttempt.objects.filter(username=USERNAME).exists()  # reset on success


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3, TRUSTED_PROXY_COUNT=0)
def test_a_forged_forwarded_for_header_does_not_reset_the_lockout(council_a):
    _user(council_a.schema_name)
    client = Client(HTTP_HOST=council_a.primary_domain)
    statuses = [
        _admin_sign_in(client, f"wrong-{i}", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
        for i in range(3)
    ]
    assert statuses == [200, 200, 429]
    response = _admin_sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3, TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_only_the_address_the_proxy_saw_counts(council_a):
    """Our proxy appends the address it saw; whatever the client wrote before it is ignored."""
    _user(council_a.schema_name)
    client = Client(HTTP_HOST=council_a.primary_domain, REMOTE_ADDR="10.0.0.2")
    for i in range(3):
        forged = f"198.51.100.{i}, 203.0.113.7"  # client's forgery, then what the proxy saw
        _admin_sign_in(client, f"wrong-{i}", HTTP_X_FORWARDED_FOR=forged)
    assert _admin_sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    # Another person behind the same proxy is not affected.
    other = _admin_sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 302


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_platform_console_locks_an_account_out(platform_host):
    _user("public", "operator@platform.example", is_superuser=True)
    client = Client(HTTP_HOST=platform_host)

    def sign_in(password):
        return client.post(
            "/console/login/?next=/console/",
            {"username": "operator@platform.example", "password": password},
        )

    assert [sign_in(f"wrong-{i}").status_code for i in range(3)] == [200, 200, 429]
    assert sign_in(PASSWORD).status_code == 429
