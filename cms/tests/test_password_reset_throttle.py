"""Asking for admin password-reset emails is rate limited per client address and per account
(platform_core.middleware.PasswordResetThrottleMiddleware), like the sign-in lockout: a forged
X-Forwarded-For resets nothing, the per-account limit does not say whether the account exists,
and one council's counters are not another's."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django_tenants.utils import schema_context


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _rates(address="100/hour", account="100/hour"):
    framework = settings.REST_FRAMEWORK
    return override_settings(
        REST_FRAMEWORK={
            **framework,
            "DEFAULT_THROTTLE_RATES": {
                **framework["DEFAULT_THROTTLE_RATES"],
                "password_reset": address,
                "password_reset_account": account,
            },
        },
        TRUSTED_PROXY_COUNT=0,
    )


def _staff(council, email):
    with schema_context(council.schema_name):
        get_user_model().objects.create_user(email, email=email, password="x-Long-passphrase-42")


@pytest.mark.django_db
def test_reset_requests_are_limited_per_client_address(council_a):
    client = Client(HTTP_HOST=council_a.primary_domain)
    with _rates(address="3/hour"):
        statuses = [
            client.post(
                "/admin/password_reset/",
                {"email": f"someone{i}@alphaford.example"},
                HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",  # forged: ignored (no trusted proxy)
            ).status_code
            for i in range(4)
        ]
        refused = client.post("/admin/password_reset/", {"email": "other@alphaford.example"})
        assert client.get("/admin/password_reset/").status_code == 200  # the form is not limited
    assert statuses == [302, 302, 302, 429]
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many password reset requests" in refused.content.decode()
    # Another address is not affected.
    other = Client(HTTP_HOST=council_a.primary_domain, REMOTE_ADDR="203.0.113.9")
    with _rates(address="3/hour"):
        assert (
            other.post("/admin/password_reset/", {"email": "x@alphaford.example"}).status_code
            == 302
        )


@pytest.mark.django_db
def test_reset_requests_are_limited_per_account_from_any_address(council_a):
    email = "target@alphaford.example"
    _staff(council_a, email)
    with _rates(account="2/hour"):
        statuses = [
            Client(HTTP_HOST=council_a.primary_domain, REMOTE_ADDR=f"203.0.113.{i}")
            .post("/admin/password_reset/", {"email": f"  {email.upper()} "})
            .status_code
            for i in range(1, 5)
        ]
        # An address no account has gets the same answers: nothing is revealed.
        unknown = [
            Client(HTTP_HOST=council_a.primary_domain, REMOTE_ADDR=f"203.0.113.{i}")
            .post("/admin/password_reset/", {"email": "nobody@alphaford.example"})
            .status_code
            for i in range(11, 15)
        ]
    assert statuses == [302, 302, 429, 429]
    assert unknown == statuses
    assert len(mail.outbox) == 2  # the mailbox received two emails, not four


@pytest.mark.django_db
def test_one_councils_counters_do_not_limit_another(council_a, council_b):
    with _rates(address="1/hour"):
        a = Client(HTTP_HOST=council_a.primary_domain)
        b = Client(HTTP_HOST=council_b.primary_domain)
        assert a.post("/admin/password_reset/", {"email": "x@a.example"}).status_code == 302
        assert a.post("/admin/password_reset/", {"email": "y@a.example"}).status_code == 429
        assert b.post("/admin/password_reset/", {"email": "x@b.example"}).status_code == 302
