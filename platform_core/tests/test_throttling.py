"""Default rate limits on the council and platform APIs: per user, per client address for
anonymous callers, per council, and not resettable with a forged X-Forwarded-For."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _rates(**rates):
    framework = settings.REST_FRAMEWORK
    return override_settings(
        REST_FRAMEWORK={
            **framework,
            "DEFAULT_THROTTLE_RATES": {**framework["DEFAULT_THROTTLE_RATES"], **rates},
        }
    )


@pytest.mark.django_db
def test_council_api_limits_each_signed_in_user(client_a):
    with _rates(user="3/min"):
        statuses = [client_a.get("/api/v1/me/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        body = client_a.get("/api/v1/me/").json()
        assert body["error"]["code"] == "throttled"


@pytest.mark.django_db
def test_council_api_limits_anonymous_callers_by_address_not_by_forged_header(anon_client_a):
    path = "/api/v1/records/open/decisions.json"
    with _rates(anon="3/min"), override_settings(TRUSTED_PROXY_COUNT=0):
        statuses = [
            anon_client_a.get(path, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
            for i in range(4)
        ]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.django_db
def test_one_councils_traffic_does_not_use_up_anothers_allowance(anon_client_a, council_b):
    path = "/api/v1/records/open/decisions.json"
    with _rates(anon="2/min"):
        for _ in range(3):
            anon_client_a.get(path)
        assert anon_client_a.get(path).status_code == 429
        assert Client(HTTP_HOST=council_b.primary_domain).get(path).status_code == 200


@pytest.mark.django_db
def test_platform_api_limits_each_user(platform_staff_client):
    with _rates(user="2/min"):
        statuses = [
            platform_staff_client.get("/platform/api/v1/councils/").status_code for _ in range(3)
        ]
    assert statuses[-1] == 429


@pytest.mark.django_db
def test_open_benchmarking_api_cannot_be_unthrottled_with_a_forged_header(platform_host):
    """The pool API has its own throttle; it too identifies callers by the trusted address."""
    from rest_framework.settings import api_settings

    from intelligence.benchmarking.api.auth import PoolRateThrottle

    client = APIClient(HTTP_HOST=platform_host)
    PoolRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "3/min"}
    try:
        statuses = [
            client.get(
                "/api/v1/benchmarks/metrics/", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}"
            ).status_code
            for i in range(4)
        ]
    finally:
        PoolRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert statuses == [200, 200, 200, 429]


def test_client_address_follows_the_trusted_proxy_count(rf):
    from platform_core.clientip import client_ip

    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7, 10.0.0.1"
    )
    with override_settings(TRUSTED_PROXY_COUNT=0):
        assert client_ip(request) == "10.0.0.2"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(request) == "10.0.0.1"
    with override_settings(TRUSTED_PROXY_COUNT=2):
        assert client_ip(request) == "203.0.113.7"
    with override_settings(TRUSTED_PROXY_COUNT=9):
        assert client_ip(request) == "1.2.3.4"  # never past the left end
    garbage = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(garbage) == "10.0.0.2"
