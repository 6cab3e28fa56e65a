"""Platform staff's webhooks: platform events (the public schema's outbox) relayed to endpoints
in the public schema's tables by the councils' webhook code (signing, transport, retries, dead
letter, replay), against a real receiver on 127.0.0.1; and the two kinds kept apart (a council
never sees or subscribes to platform endpoints or types, a platform endpoint never gets a
council's events)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from platform_core.errors import Refused
from platform_core.events import emit, signing, tasks, webhooks
from platform_core.events.models import WebhookDelivery, WebhookEndpoint
from platform_core.events.relay import relay_pending
from platform_core.models import (
    PlatformOutboxEvent,
    PlatformWebhookAttempt,
    PlatformWebhookDelivery,
    PlatformWebhookEndpoint,
)
from tenants import actions

from .conftest import TYPE, event_data

pytestmark = pytest.mark.django_db

SUSPENDED = "tenants.council.suspended"
REACTIVATED = "tenants.council.reactivated"


def _subscribe(r, types=(SUSPENDED,)):
    """A platform endpoint (public schema) for receiver ``r``, which verifies its signatures."""
    endpoint = webhooks.create_endpoint("staff", url=r.url, event_types=list(types))
    r.secret = endpoint.secret
    return endpoint


def _suspend(council, reason="Unpaid"):
    """Suspend the council; its platform event is committed, the relay not woken (the test
    runs it)."""
    with transaction.atomic():
        actions.suspend_council(council, reason)
        transaction.get_connection().run_on_commit.clear()


def test_a_council_suspended_reaches_a_platform_endpoint_signed(council_a, receiver):
    r = receiver()
    endpoint = _subscribe(r, types=[SUSPENDED, REACTIVATED])
    assert isinstance(endpoint, PlatformWebhookEndpoint)
    _suspend(council_a, "Unpaid invoices")
    result = tasks.relay_council(schema="public")  # the wake-up task, as after the commit
    assert result["webhooks"] == {"delivered": 1, "failed": 0}
    (request,) = r.requests
    assert request["verified"]  # HMAC-SHA256 over timestamp and body, the endpoint's secret
    event = request["event"]
    assert event["type"] == SUSPENDED and event["source"] == "/platform"
    assert event["council"] == council_a.schema_name
    assert event["subject"] == f"councils/{council_a.schema_name}"
    assert event["data"]["reason"] == "Unpaid invoices"
    stored = PlatformOutboxEvent.objects.get(event_id=event["id"])
    assert stored.status == PlatformOutboxEvent.Status.DELIVERED
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["council-platform-event-id"] == event["id"]
    assert headers["content-type"].startswith("application/cloudevents+json")
    assert signing.verify(headers[signing.HEADER.lower()], request["body"], endpoint.secret)
    delivery = PlatformWebhookDelivery.objects.get()
    assert delivery.status == PlatformWebhookDelivery.Status.DELIVERED
    assert delivery.endpoint == endpoint and delivery.event == stored
    attempt = PlatformWebhookAttempt.objects.get()
    assert attempt.ok and attempt.status_code == 200
    # The council's own tables are untouched: nothing of this is in its schema.
    with schema_context(council_a.schema_name):
        assert not WebhookDelivery.objects.exists() and not WebhookEndpoint.objects.exists()
    # Reactivation goes to the same endpoint in order; nothing is sent twice.
    with transaction.atomic():
        actions.reactivate_council(council_a)
        transaction.get_connection().run_on_commit.clear()
    tasks.relay_all()
    assert [q["event"]["type"] for q in r.requests] == [SUSPENDED, REACTIVATED]


def test_only_subscribed_types_and_active_endpoints_get_platform_events(council_a, receiver):
    subscribed, other, disabled = receiver(), receiver(), receiver()
    _subscribe(subscribed)
    _subscribe(other, types=["tenants.council.deleted"])
    off = _subscribe(disabled)
    webhooks.update_endpoint("staff", off, active=False)
    _suspend(council_a)
    tasks.relay_council(schema="public")
    assert len(subscribed.requests) == 1
    assert other.requests == [] and disabled.requests == []


def test_a_failing_platform_receiver_is_retried_then_dead_lettered_and_replay_delivers(
    council_a, receiver, settings
):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 10
    r = receiver(status=500)
    _subscribe(r)
    _suspend(council_a)
    relay_pending()
    assert webhooks.deliver_due() == {"delivered": 0, "failed": 1}
    delivery = PlatformWebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.last_status_code == 500
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=4) < wait <= timedelta(seconds=10)  # backoff with jitter
    assert delivery.retry_until >= delivery.event.time + timedelta(hours=23, minutes=59)
    assert webhooks.deliver_due() == {"delivered": 0, "failed": 0}  # backing off
    # The 24-hour window has passed: the next failure is final.
    PlatformWebhookDelivery.objects.update(
        next_attempt_at=timezone.now(), retry_until=timezone.now() - timedelta(seconds=1)
    )
    assert webhooks.deliver_due() == {"delivered": 0, "failed": 1}
    delivery.refresh_from_db()
    assert delivery.status == "dead" and delivery.attempts == 2
    assert list(delivery.log.values_list("status_code", flat=True)) == [500, 500]
    assert tasks.relay_council(schema="public")["webhooks"] == {"delivered": 0, "failed": 0}
    r.status = 200
    webhooks.replay_delivery("staff", delivery)
    with pytest.raises(Refused):
        webhooks.replay_delivery("staff", delivery)  # pending again: not a dead letter
    assert tasks.relay_council(schema="public")["webhooks"] == {"delivered": 1, "failed": 0}
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.retry_until > timezone.now() + timedelta(hours=23)
    assert len(r.processed) == 1 and len(r.requests) == 3


def test_rotation_signs_platform_deliveries_with_both_secrets_during_the_overlap(
    council_a, receiver
):
    r = receiver()
    endpoint = _subscribe(r)
    old = endpoint.secret
    endpoint = webhooks.rotate_secret("staff", endpoint, overlap_hours=2)
    assert endpoint.secret != old
    _suspend(council_a)
    tasks.relay_council(schema="public")
    (request,) = r.requests
    assert request["verified"]  # the receiver still knows the old secret only
    header = request["headers"][signing.HEADER]
    assert signing.verify(header, request["body"], endpoint.secret)
    assert header.count("v1=") == 2


def test_a_platform_endpoint_that_keeps_failing_is_disabled_and_platform_staff_are_emailed(
    council_a, council_b, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 2
    User = get_user_model()
    User.objects.create_user(
        "root@p", email="root@platform.example", is_superuser=True, is_staff=True
    )
    keeper = User.objects.create_user("keeper@p", email="keeper@platform.example", is_staff=True)
    keeper.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="platform_core", codename="change_platformwebhookendpoint"
        )
    )
    User.objects.create_user("viewer@p", email="viewer@platform.example", is_staff=True)
    r = receiver(status=503)
    endpoint = _subscribe(r)
    _suspend(council_a)
    _suspend(council_b)
    relay_pending()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            assert webhooks.deliver_due() == {"delivered": 0, "failed": 2}
    endpoint.refresh_from_db()
    assert not endpoint.active and "2 failed attempts" in endpoint.disabled_reason
    (notice,) = [m for m in mail.outbox if "platform webhook endpoint" in m.subject]
    assert sorted(notice.to) == ["keeper@platform.example", "root@platform.example"]
    assert endpoint.url in notice.body and "console" in notice.body


def test_platform_endpoints_take_platform_types_only(council_a):
    for bad in (TYPE, "commissioning.bid.decided"):
        with pytest.raises(ValueError, match="council event"):
            webhooks.create_endpoint("staff", url="https://hooks.example/p", event_types=[bad])
    with pytest.raises(ValueError, match="not an event type"):
        webhooks.create_endpoint("staff", url="https://hooks.example/p", event_types=["nope.x"])
    with pytest.raises(ValueError, match="no provider organisation"):
        webhooks.create_endpoint(
            "staff",
            url="https://hooks.example/p",
            event_types=[SUSPENDED],
            organization="4f5e2f0e-1b7a-4a55-9d7e-1c4f7c9b0a11",
        )
    endpoint = webhooks.create_endpoint(
        "staff", url="https://hooks.example/p", event_types=[SUSPENDED]
    )
    with pytest.raises(ValueError, match="council event"):
        webhooks.update_endpoint("staff", endpoint, event_types=[TYPE])
    assert PlatformWebhookEndpoint.objects.get().event_types == [SUSPENDED]


def test_a_platform_endpoint_never_gets_a_councils_events(council_a, receiver):
    """Even with its types widened in the database past the checks: council events stay in the
    council's outbox and tables, which the public relay never reads."""
    r = receiver()
    endpoint = _subscribe(r)
    PlatformWebhookEndpoint.objects.filter(pk=endpoint.pk).update(event_types=[SUSPENDED, TYPE])
    with schema_context(council_a.schema_name):
        with transaction.atomic():
            emit(TYPE, subject="records/record/1", data=event_data())
            transaction.get_connection().run_on_commit.clear()
    tasks.relay_all()
    assert r.requests == []
    assert not PlatformWebhookDelivery.objects.exists()
    # And should a council type ever be in the platform outbox, the endpoint refuses it.
    endpoint.refresh_from_db()
    assert not endpoint.receives(SimpleNamespace(type=TYPE, data={}))


def test_councils_never_see_platform_endpoints_nor_subscribe_to_platform_types(council_a, receiver):
    r = receiver()
    platform = _subscribe(r)
    _suspend(council_a)
    tasks.relay_council(schema="public")
    assert PlatformWebhookDelivery.objects.count() == 1
    with schema_context(council_a.schema_name):
        # The council's webhook code works on the council's tables only.
        assert webhooks.tables()[0] is WebhookEndpoint
        assert webhooks.subscribed_endpoints() == []
        assert not WebhookEndpoint.objects.filter(url=platform.url).exists()
        with pytest.raises(ValueError, match="platform event"):
            webhooks.create_endpoint(None, url="https://hooks.example/c", event_types=[SUSPENDED])
        own = webhooks.create_endpoint(None, url="https://hooks.example/c", event_types=[TYPE])
        with pytest.raises(ValueError, match="platform event"):
            webhooks.update_endpoint(None, own, event_types=[SUSPENDED])
        # Replaying "the platform's delivery id" in a council finds nothing of the platform's.
        with pytest.raises(WebhookDelivery.DoesNotExist):
            webhooks.replay_delivery(None, PlatformWebhookDelivery.objects.get())
