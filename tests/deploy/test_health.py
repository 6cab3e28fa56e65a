"""/healthz and /readyz: answered on any host, before routing; readiness reports each dependency
as ok, degraded or down, from real services (a Redis and a broker that answer, ports that don't)."""

import json

import pytest
from django.test import Client

from platform_core.tests.conftest import free_port


def _readiness(client=None, host="10.0.0.7"):
    response = (client or Client(HTTP_HOST=host)).get("/readyz")
    return response, json.loads(response.content)


@pytest.mark.django_db
def test_liveness_answers_on_any_host_without_touching_services(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        },
    }
    for host in ("10.0.0.7", "10.0.0.7:8000", "[fd00::1]:8000", "anything.example"):
        response = Client(HTTP_HOST=host).get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readiness_reports_embedded_stand_ins_as_degraded(settings, tmp_path):
    settings.HEALTH_SLOW_SECONDS = settings.HEALTH_TIMEOUT_SECONDS = 30
    settings.CELERY_BROKER_URL = None
    settings.MEDIA_ROOT = str(tmp_path)
    response, body = _readiness()
    assert response.status_code == 200
    checks = {name: check["status"] for name, check in body["checks"].items()}
    assert checks == {
        "database": "ok",
        "cache": "degraded",
        "broker": "degraded",
        "storage": "degraded",
    }
    assert body["status"] == "degraded"


@pytest.mark.django_db
def test_readiness_ok_with_redis_cache_broker_and_s3(settings, redis_url, moto_endpoint):
    from records.conftest import s3_storages

    settings.HEALTH_SLOW_SECONDS = settings.HEALTH_TIMEOUT_SECONDS = (
        30  # a loaded CI machine is slow, not degraded
    )
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
        },
    }
    settings.CELERY_BROKER_URL = redis_url
    settings.STORAGES = s3_storages(moto_endpoint)
    response, body = _readiness()
    assert response.status_code == 200, body
    assert {n: c["status"] for n, c in body["checks"].items()} == dict.fromkeys(
        ("database", "cache", "broker", "storage"), "ok"
    ), body
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_readiness_reports_dead_cache_broker_and_bucket_as_down(settings, moto_endpoint):
    from records.conftest import s3_storages

    settings.HEALTH_SLOW_SECONDS = settings.HEALTH_TIMEOUT_SECONDS = 30
    dead = free_port()
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{dead}/0",
        },
    }
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{dead}/0"
    settings.STORAGES = s3_storages(moto_endpoint, bucket_name="no-such-bucket")
    response, body = _readiness()
    # The database answers: the pod stays in service, degraded, with each failure named.
    assert response.status_code == 200, body
    assert {n: c["status"] for n, c in body["checks"].items()} == {
        "database": "ok",
        "cache": "down",
        "broker": "down",
        "storage": "down",
    }
    assert body["status"] == "degraded"


@pytest.mark.django_db
def test_readiness_is_not_a_council_route(anon_client_a):
    # Same answer on a council's host: no schema, no page cache, no council data.
    response, body = _readiness(anon_client_a)
    assert response.status_code == 200
    assert set(body["checks"]) == {"database", "cache", "broker", "storage"}
    assert "schema" not in json.dumps(body)
