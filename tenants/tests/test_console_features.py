"""The console's feature flags page (tenants/console/features.py): the list with defaults, the
change form (CSRF, audited in the council's history), bad input and who is refused."""

import pytest
from django.conf import settings
from django.test import Client

from platform_core import features
from tenants.models import CouncilEvent

from .consolehelpers import console_client, platform_user, second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(council_a, council_b):
    for council in (council_a, council_b):
        features.forget(council.schema_name)
    yield console_client(platform_user("root@platform.example", superuser=True))
    for council in (council_a, council_b):
        features.forget(council.schema_name)


def url(council):
    return f"/console/councils/{council.slug}/features/"


def test_the_page_lists_each_feature_with_its_default_and_setting(root, council_a):
    page = root.get(url(council_a))
    assert page.status_code == 200
    html = page.content.decode()
    for feature in features.features():
        assert f'data-feature="{feature.key}" data-enabled="on"' in html
        assert feature.label in html
    assert "(platform default)" in html and "follows the default" in html
    assert url(council_a) in root.get(f"/console/councils/{council_a.slug}/").content.decode()


def test_switching_a_feature_is_recorded_and_changes_one_council(
    root, council_a, council_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = root.post(
            url(council_a),
            {"feature-feature": "markets", "feature-state": "off", "feature-reason": "Not used"},
        )
    assert response.status_code == 302 and response["Location"] == url(council_a)
    assert features.is_enabled("markets", council_a) is False
    assert features.is_enabled("markets", council_b) is True
    event = CouncilEvent.objects.get(council=council_a, kind=CouncilEvent.Kind.FEATURE_CHANGED)
    assert (
        event.actor_name == "root@platform.example"
        and event.reason == "Market shaping: default → off: Not used"
    )
    assert event.detail == {"feature": "markets", "was": "default", "now": "off", "enabled": False}
    page = root.get(url(council_a)).content.decode()
    assert 'data-feature="markets" data-enabled="off"' in page and "set for this council" in page
    assert "Market shaping is off for Alphaford Council." in page
    history = root.get(f"/console/councils/{council_a.slug}/").content.decode()
    assert 'data-event="feature-changed"' in history

    # Saying the same again changes nothing and records nothing.
    root.post(url(council_a), {"feature-feature": "markets", "feature-state": "off"})
    assert CouncilEvent.objects.filter(kind=CouncilEvent.Kind.FEATURE_CHANGED).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        root.post(url(council_a), {"feature-feature": "markets", "feature-state": "default"})
    assert features.is_enabled("markets", council_a) is True
    last = CouncilEvent.objects.filter(kind=CouncilEvent.Kind.FEATURE_CHANGED).first()
    assert last.detail["was"] == "off" and last.detail["now"] == "default"
    assert last.reason == "Market shaping: off → default"


@pytest.mark.parametrize(
    "body, message",
    [
        ({"feature-feature": "teleport", "feature-state": "off"}, "no feature called “teleport”"),
        ({"feature-feature": "markets", "feature-state": "maybe"}, "“maybe” is not a setting"),
        ({"feature-state": "off"}, "Choose a feature"),
        ({"feature-feature": "markets"}, "Choose on, off or follow the default"),
        (
            {"feature-feature": "markets", "feature-state": "off", "feature-reason": "a\nb"},
            "",
        ),
    ],
)
def test_bad_input_is_a_clear_400_and_changes_nothing(root, council_a, body, message):
    response = root.post(url(council_a), body)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert message in response.content.decode()
    assert not CouncilEvent.objects.filter(kind=CouncilEvent.Kind.FEATURE_CHANGED).exists()
    assert features.resolve(council_a.schema_name)["markets"] is True


def test_the_form_needs_its_csrf_token(council_a):
    user = platform_user("csrf@platform.example", superuser=True)
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN, enforce_csrf_checks=True)
    client.force_login(user)
    second_factor(client, user)
    body = {"feature-feature": "markets", "feature-state": "off"}
    assert client.post(url(council_a), body).status_code == 403
    page = client.get(url(council_a))
    token = page.context["csrf_token"]
    response = client.post(url(council_a), {**body, "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302


def test_missing_councils_and_the_platform_are_not_found(root):
    for slug in ("nowhere", "platform"):
        assert root.get(f"/console/councils/{slug}/features/").status_code == 404
        body = {"feature-feature": "markets", "feature-state": "off"}
        assert root.post(f"/console/councils/{slug}/features/", body).status_code == 404
    assert root.put("/console/councils/nowhere/features/").status_code == 405


def test_viewers_see_but_cannot_switch(council_a):
    viewer = console_client(platform_user(perms=("tenants.view_council",)))
    page = viewer.get(url(council_a))
    assert page.status_code == 200 and b"Switch a feature" not in page.content
    response = viewer.post(url(council_a), {"feature-feature": "markets", "feature-state": "off"})
    assert response.status_code == 403
    assert features.resolve(council_a.schema_name)["markets"] is True


def test_non_staff_council_staff_and_password_only_are_refused(council_a, staff_client_factory):
    body = {"feature-feature": "markets", "feature-state": "off"}
    anonymous = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    not_staff = console_client(platform_user(perms=("tenants.change_council",), staff=False))
    for client in (anonymous, not_staff):
        for response in (client.get(url(council_a)), client.post(url(council_a), body)):
            assert response.status_code == 302
            assert response["Location"].startswith("/console/login/")
    # Signed in with the password only: the code step, never the page.
    password_only = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    password_only.force_login(platform_user("half@platform.example", superuser=True))
    response = password_only.post(url(council_a), body)
    assert response.status_code in (200, 302) and b"data-feature=" not in response.content
    # A council's own administrator on the council's domain: the console is not there.
    council_staff = staff_client_factory(council_a)
    assert council_staff.get(url(council_a)).status_code == 404
    assert council_staff.post(url(council_a), body).status_code in (403, 404)
    # ...and their session means nothing on the platform's domain.
    council_staff.defaults["HTTP_HOST"] = settings.PLATFORM_DOMAIN
    assert council_staff.get(url(council_a)).status_code == 302
    assert features.resolve(council_a.schema_name)["markets"] is True
    assert not CouncilEvent.objects.filter(kind=CouncilEvent.Kind.FEATURE_CHANGED).exists()


def test_deleting_a_council_removes_its_settings(council_a):
    from platform_core.models import CouncilFeature

    features.set_state(council_a.schema_name, "markets", "off")
    assert CouncilFeature.objects.filter(schema_name=council_a.schema_name).count() == 1
    assert features.delete_council(council_a.schema_name) == 1
    assert not CouncilFeature.objects.filter(schema_name=council_a.schema_name).exists()
