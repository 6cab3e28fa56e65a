"""Feature flags per council (platform_core.features): the kernel's answer, its cache, and the
enforcement on real council schemas — council A with a feature off and council B with it on,
at the same time."""

import json
import os

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context

from platform_core import features


@pytest.fixture
def flags(council_a, council_b, django_capture_on_commit_callbacks):
    """``flags(council, key, state)`` sets a feature through the console's action, running the
    commit hooks (the cache is dropped on commit). The cached states of both councils are
    dropped before and after, so no other test sees them."""
    from tenants import actions

    for council in (council_a, council_b):
        features.forget(council.schema_name)

    def set_flag(council, key, state):
        with django_capture_on_commit_callbacks(execute=True):
            actions.set_council_feature(council, key, state, actor="test")

    yield set_flag
    for council in (council_a, council_b):
        features.forget(council.schema_name)


def test_every_feature_is_on_by_default(council_a, flags):
    keys = {f.key for f in features.features()}
    assert keys == {"participation", "funding", "markets", "provider_portal"}
    assert features.states(council_a.schema_name) == dict.fromkeys(keys, True)


def test_a_council_setting_changes_only_that_council(council_a, council_b, flags):
    flags(council_a, "markets", "off")
    assert features.is_enabled("markets", council_a) is False
    assert features.is_enabled("markets", council_b) is True
    with schema_context(council_a.schema_name):  # connection.tenant: the request's council
        assert features.is_enabled("markets") is False
    with schema_context(council_b.schema_name):
        assert features.is_enabled("markets") is True
    flags(council_a, "markets", "default")
    assert features.is_enabled("markets", council_a) is True


def test_the_platform_site_has_no_council_features(db):
    assert connection.schema_name == "public"
    assert features.is_enabled("markets") is True


def test_an_unknown_feature_is_named_in_the_error(council_a, flags):
    with pytest.raises(ValidationError) as exc:
        features.is_enabled("teleport", council_a)
    assert "teleport" in str(exc.value) and "markets" in str(exc.value)
    with pytest.raises(ValidationError, match="not a state"):
        features.set_state(council_a.schema_name, "markets", "maybe")


def test_the_plan_gives_the_default_and_a_council_setting_wins(council_a, council_b, flags):
    from billing import actions as billing
    from billing.models import Plan

    plan = Plan.objects.get(slug="starter")
    with schema_context("public"):
        plan.features = {"funding": False}
        billing.save_plan(plan)  # drops the cached states of the plan's councils
    assert features.defaults(council_a.schema_name)["funding"] == (False, "Starter plan")
    assert features.is_enabled("funding", council_a) is False
    assert features.is_enabled("funding", council_b) is False  # also on Starter
    flags(council_b, "funding", "on")
    assert features.is_enabled("funding", council_b) is True
    assert features.is_enabled("funding", council_a) is False


def test_a_plan_naming_an_unknown_feature_is_refused(db):
    from billing.models import Plan

    plan = Plan.objects.get(slug="starter")
    plan.features = {"teleport": True, "markets": "yes"}
    with pytest.raises(ValidationError) as exc:
        plan.full_clean()
    text = " ".join(exc.value.message_dict["features"])
    assert "teleport" in text and "“markets” must be true or false" in text


@pytest.fixture
def two_processes(monkeypatch):
    """Two independent clients of one real Redis (TEST_REDIS_URL), each with its own connection
    pool, configured as production configures the shared cache: two web processes."""
    import uuid

    import redis
    from django.core.cache.backends.redis import RedisCache

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not reachable at {url} (TEST_REDIS_URL)")
    prefix = f"flags-test-{uuid.uuid4().hex[:8]}"
    params = {"KEY_FUNCTION": "django_tenants.cache.make_key", "KEY_PREFIX": prefix}
    one, two = RedisCache(url, params), RedisCache(url, params)
    yield one, two, redis.Redis.from_url(url), prefix
    one.clear_keys = None
    raw = redis.Redis.from_url(url)
    for key in raw.scan_iter(match=f"*:{prefix}:*"):
        raw.delete(key)


def test_a_change_reaches_every_process_through_the_shared_cache(
    council_a, council_b, flags, two_processes, monkeypatch
):
    one, two, raw, prefix = two_processes
    monkeypatch.setattr(features, "cache", one)
    assert features.is_enabled("participation", council_a) is True  # process one caches it
    assert features.is_enabled("participation", council_b) is True
    key_a = f"{council_a.schema_name}:{prefix}:1:{features.CACHE_KEY}"
    key_b = f"{council_b.schema_name}:{prefix}:1:{features.CACHE_KEY}"
    assert raw.exists(key_a) and raw.exists(key_b)  # one key per council, the council in it

    monkeypatch.setattr(features, "cache", two)  # process two changes A's setting
    flags(council_a, "participation", "off")
    assert not raw.exists(key_a)  # dropped for every process...
    assert raw.exists(key_b)  # ...and B's answers are untouched

    monkeypatch.setattr(features, "cache", one)  # process one sees the change at once
    assert features.is_enabled("participation", council_a) is False
    assert features.is_enabled("participation", council_b) is True


# --- Enforcement: council A off, council B on, the same URLs at the same time ------------------

URLS = {
    "participation": [
        "/participate/",
        "/api/v1/participation/processes/",
        "/admin/participation/processes/",
    ],
    "funding": ["/api/v1/funding/calls/", "/admin/funding/matches/", "/admin/funding/calls/"],
    "markets": ["/api/v1/markets/", "/admin/markets/"],
    "provider_portal": [
        "/provider/sign-in/",
        "/api/v1/provider/webhooks/",
        "/admin/directory/accounts/",
        "/admin/directory/changes/",
    ],
}
MENU = {
    "participation": "/admin/participation/processes/",
    "funding": "/admin/funding/matches/",
    "markets": "/admin/markets/",
    "provider_portal": "/admin/directory/accounts/",
}


def _menu_urls(response) -> str:
    """The admin sidebar's menu (Wagtail renders it as JSON props in the page)."""
    html = response.content.decode()
    start = html.index('id="wagtail-sidebar-props"')
    start = html.index(">", start) + 1
    props = html[start : html.index("</script>", start)]
    return json.dumps(json.loads(props))


@pytest.mark.parametrize("key", sorted(URLS))
def test_a_switched_off_feature_is_gone_for_one_council_only(
    key, council_a, council_b, flags, staff_client_factory
):
    client_a, client_b = staff_client_factory(council_a), staff_client_factory(council_b)
    for url in URLS[key]:  # both on: neither answers 404
        assert client_a.get(url).status_code != 404, url
    assert MENU[key] in _menu_urls(client_a.get("/admin/"))

    flags(council_a, key, "off")
    missing_api = client_a.get("/api/v1/no-such-thing/")
    for url in URLS[key]:
        response = client_a.get(url)
        assert response.status_code == 404, url
        if url.startswith("/api/"):  # the same envelope as a missing endpoint
            assert response.json() == missing_api.json()
        else:
            assert "Page not found" in response.content.decode()
        assert client_b.get(url).status_code != 404, url  # B, at the same time
    assert MENU[key] not in _menu_urls(client_a.get("/admin/"))
    assert MENU[key] in _menu_urls(client_b.get("/admin/"))

    flags(council_a, key, "on")
    for url in URLS[key]:
        assert client_a.get(url).status_code != 404, url
    assert MENU[key] in _menu_urls(client_a.get("/admin/"))


def test_the_template_tag_answers_for_the_council_of_the_request(council_a, council_b, flags):
    from django.template import engines

    template = engines["django"].from_string(
        '{% load features %}{% feature_enabled "participation" as on %}{{ on|yesno:"on,off" }}'
    )
    flags(council_a, "participation", "off")
    with schema_context(council_a.schema_name):
        assert template.render({}) == "off"
    with schema_context(council_b.schema_name):
        assert template.render({}) == "on"


def test_feature_paths_belong_to_one_feature_each():
    seen = {}
    for feature in features.features():
        for path in feature.paths:
            assert path.startswith("/") and path.endswith("/"), path
            for other, other_key in seen.items():
                assert not (path.startswith(other) or other.startswith(path)), (
                    f"{path} ({feature.key}) overlaps {other} ({other_key})"
                )
            seen[path] = feature.key
