"""The console's platform webhooks (tenants/console/webhooks.py): platform staff with their
second factor subscribe endpoints to platform event types, see the secret once, rotate it with
an overlap window, disable and enable, read deliveries and their attempts and replay dead
letters; bad input is a 400 naming the problem; nobody else, and no council, gets near them."""

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from platform_core.events import tasks, webhooks
from platform_core.events.models import WebhookEndpoint
from platform_core.events.testing import Receiver
from platform_core.models import PlatformWebhookDelivery, PlatformWebhookEndpoint
from tenants import actions

from .consolehelpers import console_client, platform_user

pytestmark = pytest.mark.django_db

SUSPENDED = "tenants.council.suspended"
BASE = "/console/webhooks/"


@pytest.fixture
def root():
    return console_client(platform_user("root@platform.example", superuser=True))


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


def _add(client, url, types=(SUSPENDED,), description="Status page"):
    return client.post(
        f"{BASE}add/", {"url": url, "description": description, "event_types": list(types)}
    )


def _suspend(council):
    with transaction.atomic():
        actions.suspend_council(council, "Console test")
        transaction.get_connection().run_on_commit.clear()


def test_staff_subscribe_see_the_secret_once_and_the_suspension_is_delivered(
    root, council_a, receiver
):
    page = root.get(f"{BASE}add/")
    assert page.status_code == 200
    text = page.content.decode()
    assert SUSPENDED in text and "benchmarking.pool.published" in text
    assert "records.record.destroyed" not in text  # council types are not offered
    response = _add(root, receiver.url)
    assert response.status_code == 302
    endpoint = PlatformWebhookEndpoint.objects.get()
    assert response["Location"] == f"{BASE}{endpoint.pk}/"
    assert endpoint.event_types == [SUSPENDED] and endpoint.created_by == "root@platform.example"
    first = root.get(response["Location"]).content.decode()
    assert endpoint.secret in first and "not shown again" in first
    again = root.get(response["Location"]).content.decode()
    assert endpoint.secret not in again  # shown once
    listing = root.get(BASE).content.decode()
    assert receiver.url in listing and endpoint.secret not in listing
    assert LogEntry.objects.filter(
        object_id=str(endpoint.pk), change_message__startswith="events.webhook.created"
    ).exists()

    receiver.secret = endpoint.secret
    _suspend(council_a)
    tasks.relay_council(schema="public")
    (request,) = receiver.requests
    assert request["verified"] and request["event"]["council"] == council_a.schema_name
    delivery = PlatformWebhookDelivery.objects.get()
    detail = root.get(f"{BASE}{endpoint.pk}/").content.decode()
    assert f'data-delivery="{delivery.pk}" data-status="delivered"' in detail
    page = root.get(f"{BASE}deliveries/{delivery.pk}/").content.decode()
    assert request["event"]["id"] in page and 'data-ok="true"' in page


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"url": "", "event_types": [SUSPENDED]}, "url", "Enter the endpoint URL"),
        ({"url": "ftp://x.example/", "event_types": [SUSPENDED]}, "url", "https://"),
        ({"url": "https://10.1.2.3/h", "event_types": [SUSPENDED]}, "url", "private"),
        ({"url": "https://hooks.example/h"}, "event_types", "Choose at least one event type"),
        (
            {"url": "https://hooks.example/h", "event_types": ["records.record.destroyed"]},
            "event_types",
            "records.record.destroyed is not a platform event type",
        ),
        (
            {"url": "https://hooks.example/h", "event_types": ["no.such"]},
            "event_types",
            "no.such is not a platform event type",
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_problem_and_subscribes_nothing(root, body, field, message):
    response = root.post(f"{BASE}add/", body)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not PlatformWebhookEndpoint.objects.exists()


def test_rotation_disable_enable_and_bad_input(root, council_a, receiver):
    endpoint = webhooks.create_endpoint(
        "staff", url=receiver.url, event_types=[SUSPENDED, "tenants.council.reactivated"]
    )
    old = endpoint.secret
    for hours, message in (("x", "whole number"), ("-1", "0 hours or more"), ("169", "168")):
        response = root.post(f"{BASE}{endpoint.pk}/rotate/", {"rotate-overlap_hours": hours})
        assert response.status_code == 400 and message in response.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.secret == old
    response = root.post(f"{BASE}{endpoint.pk}/rotate/", {"rotate-overlap_hours": "2"})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.previous_secret == old
    hours = (endpoint.previous_secret_expires_at - timezone.now()).total_seconds() / 3600
    assert 1.9 < hours <= 2
    page = root.get(f"{BASE}{endpoint.pk}/").content.decode()
    assert endpoint.secret in page and old not in page and 'id="overlap-until"' in page
    assert endpoint.secret not in root.get(f"{BASE}{endpoint.pk}/").content.decode()

    bad = root.post(f"{BASE}{endpoint.pk}/state/", {"state-active": "maybe"})
    assert bad.status_code == 400 and "enable or disable" in bad.content.decode()
    assert root.post(f"{BASE}{endpoint.pk}/state/", {"state-active": "off"}).status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.active and "root@platform.example" in endpoint.disabled_reason
    receiver.secret = endpoint.secret
    _suspend(council_a)
    tasks.relay_council(schema="public")
    assert receiver.requests == []  # disabled: nothing sent, nothing queued for it
    assert not PlatformWebhookDelivery.objects.exists()
    assert root.post(f"{BASE}{endpoint.pk}/state/", {"state-active": "on"}).status_code == 302
    with transaction.atomic():
        actions.reactivate_council(council_a)
        transaction.get_connection().run_on_commit.clear()
    tasks.relay_council(schema="public")
    (request,) = receiver.requests  # enabled again: the next event is delivered
    assert request["verified"] and request["event"]["type"] == "tenants.council.reactivated"
    history = root.get(f"{BASE}{endpoint.pk}/").content.decode()
    assert "events.webhook.secret_rotated" in history and "events.webhook.updated" in history


def test_dead_letters_are_listed_and_replayed_from_the_console(root, council_a, receiver, settings):
    receiver.status = 500
    endpoint = webhooks.create_endpoint("staff", url=receiver.url, event_types=[SUSPENDED])
    _suspend(council_a)
    tasks.relay_council(schema="public")
    PlatformWebhookDelivery.objects.update(
        next_attempt_at=timezone.now(), retry_until=timezone.now()
    )
    tasks.relay_council(schema="public")
    delivery = PlatformWebhookDelivery.objects.get()
    assert delivery.status == "dead"
    dead = root.get(f"{BASE}dead-letters/").content.decode()
    assert f'data-delivery="{delivery.pk}"' in dead and endpoint.url in dead
    page = root.get(f"{BASE}deliveries/{delivery.pk}/").content.decode()
    assert page.count('data-ok="false"') == 2 and "HTTP 500" in page
    receiver.status = 200
    response = root.post(f"{BASE}deliveries/{delivery.pk}/replay/")
    assert response.status_code == 302
    again = root.post(f"{BASE}deliveries/{delivery.pk}/replay/", follow=True)
    assert "Only a dead-lettered delivery can be replayed" in again.content.decode()
    tasks.relay_council(schema="public")
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and len(receiver.processed) == 1
    assert f'data-delivery="{delivery.pk}"' not in root.get(f"{BASE}dead-letters/").content.decode()


def test_viewers_see_but_cannot_change_and_unknown_ids_are_404(root):
    endpoint = webhooks.create_endpoint(
        "staff", url="https://hooks.example/v", event_types=[SUSPENDED]
    )
    viewer = console_client(
        platform_user(
            "viewer@platform.example", perms=["platform_core.view_platformwebhookendpoint"]
        )
    )
    assert viewer.get(BASE).status_code == 200
    page = viewer.get(f"{BASE}{endpoint.pk}/")
    assert page.status_code == 200 and b"Rotate the secret" not in page.content
    assert viewer.get(f"{BASE}add/").status_code == 403
    assert _add(viewer, "https://hooks.example/x").status_code == 403
    assert (
        viewer.post(f"{BASE}{endpoint.pk}/rotate/", {"rotate-overlap_hours": "1"}).status_code
        == 403
    )
    assert viewer.post(f"{BASE}{endpoint.pk}/state/", {"state-active": "off"}).status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.active and not endpoint.previous_secret
    assert PlatformWebhookEndpoint.objects.count() == 1
    for path in (f"{BASE}987654/", f"{BASE}deliveries/987654/"):
        assert root.get(path).status_code == 404
    for path in (f"{BASE}987654/rotate/", f"{BASE}deliveries/987654/replay/"):
        assert root.post(path).status_code == 404
    assert root.put(BASE).status_code == 405
    # Other console staff without the permission get a 403 and no menu item.
    other = console_client(platform_user("other@platform.example", perms=["tenants.view_council"]))
    assert other.get(BASE).status_code == 403
    assert b'href="/console/webhooks/"' not in other.get("/console/").content


def test_without_staff_status_or_the_second_factor_the_pages_are_not_reached(council_a, client_a):
    endpoint = webhooks.create_endpoint(
        "staff", url="https://hooks.example/s", event_types=[SUSPENDED]
    )
    anonymous = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    not_staff = console_client(
        platform_user(perms=["platform_core.view_platformwebhookendpoint"], staff=False)
    )
    for client in (anonymous, not_staff):
        for path in (BASE, f"{BASE}{endpoint.pk}/", f"{BASE}dead-letters/"):
            response = client.get(path)
            assert response.status_code == 302 and response["Location"].startswith(
                "/console/login/"
            )
    password_only = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    password_only.force_login(platform_user("half@platform.example", superuser=True))
    response = password_only.get(f"{BASE}{endpoint.pk}/")
    assert b"hooks.example/s" not in response.content
    response = _add(password_only, "https://hooks.example/half")
    assert response.status_code in (200, 302)
    assert PlatformWebhookEndpoint.objects.count() == 1
    # A council administrator on the council's domain: the console is not there, and the
    # council's own webhook screens list only the council's endpoints.
    assert client_a.get(BASE).status_code == 404
    assert client_a.get(f"{BASE}{endpoint.pk}/").status_code == 404
    screen = client_a.get("/admin/webhooks/")
    assert screen.status_code == 200 and b"hooks.example/s" not in screen.content
    assert client_a.get(f"/admin/webhooks/{endpoint.pk}/").status_code == 404
    # ...nor can they subscribe their own endpoint to a platform type.
    refused = client_a.post(
        "/admin/webhooks/add/",
        {"url": "https://hooks.example/c", "event_types": [SUSPENDED]},
    )
    assert refused.status_code == 200  # the form again, with the error; nothing subscribed
    assert "not one of the available choices" in refused.content.decode()
    with schema_context(council_a.schema_name):
        assert not WebhookEndpoint.objects.exists()
    # Their session means nothing on the platform's domain.
    client_a.defaults["HTTP_HOST"] = settings.PLATFORM_DOMAIN
    assert client_a.get(BASE).status_code == 302


def test_providers_cannot_subscribe_to_platform_types_through_their_api(council_a):
    from commissioning.providers.tests.test_provider_webhooks import _provider

    webhooks.create_endpoint("staff", url="https://hooks.example/p", event_types=[SUSPENDED])
    provider, _, _ = _provider(council_a, "Quartz")
    base = "/api/v1/provider/webhooks/"
    refused = provider.post(
        base,
        {"url": "https://hooks.example/q", "event_types": [SUSPENDED]},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "event_types" in refused.json()["error"]["fields"]
    assert provider.get(base).json()["results"] == []
    with schema_context(council_a.schema_name):
        assert not WebhookEndpoint.objects.exists()
