"""Webhooks against a real HTTP receiver on 127.0.0.1: signed CloudEvents, attempts logged,
backoff then dead letter, replay, disabling with a notice, secret rotation, order per subject,
SSRF checks and council isolation."""

import ipaddress
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from platform_core.errors import Refused
from platform_core.events import emit, signing, transport, webhooks
from platform_core.events.models import OutboxEvent, WebhookAttempt, WebhookDelivery
from platform_core.events.relay import relay_pending

from .conftest import TYPE, event_data


def _emit(subject="records/record/1", record=1):
    with transaction.atomic():
        event = emit(TYPE, subject=subject, data=event_data(record=record))
        transaction.get_connection().run_on_commit.clear()
    return event


def _relay():
    relay_pending()
    return webhooks.deliver_due()


def _subscribe(url, types=(TYPE,)):
    return webhooks.create_endpoint("tester", url=url, event_types=list(types))


@pytest.mark.django_db
def test_a_delivery_is_a_signed_cloudevent_and_every_attempt_is_logged(council_a, receiver):
    with schema_context(council_a.schema_name):
        endpoint = _subscribe("http://127.0.0.1:1/placeholder")
        r = receiver(secret=endpoint.secret)
        webhooks.update_endpoint("tester", endpoint, url=r.url)
        event = _emit()
        assert _relay() == {"delivered": 1, "failed": 0}
        (request,) = r.requests
        assert request["verified"]
        assert request["event"] == event  # the CloudEvent as emitted, nothing else
        headers = {k.lower(): v for k, v in request["headers"].items()}
        assert headers["content-type"].startswith("application/cloudevents+json")
        assert headers["council-platform-event-id"] == event["id"]
        assert headers["council-platform-signature"].startswith("t=")
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == WebhookDelivery.Status.DELIVERED
        attempt = WebhookAttempt.objects.get()
        assert attempt.ok and attempt.status_code == 200 and attempt.latency_ms >= 0
        assert _relay() == {"delivered": 0, "failed": 0}  # nothing sent twice


@pytest.mark.django_db
def test_endpoints_not_subscribed_to_the_type_or_disabled_get_nothing(council_a, receiver):
    r = receiver()
    with schema_context(council_a.schema_name):
        other = _subscribe(r.url, types=["records.record.destroyed"])
        webhooks.update_endpoint("tester", other, active=False)
        _emit()
        _relay()
        assert r.requests == [] and not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_council_b_receivers_never_see_council_a_events(council_a, council_b, receiver):
    ra, rb = receiver(), receiver()
    with schema_context(council_b.schema_name):
        _subscribe(rb.url)
    with schema_context(council_a.schema_name):
        _subscribe(ra.url)
        event = _emit()
        _relay()
    with schema_context(council_b.schema_name):
        _relay()
        assert not WebhookDelivery.objects.exists()
    assert [q["event"]["id"] for q in ra.requests] == [event["id"]]
    assert ra.requests[0]["event"]["council"] == council_a.schema_name
    assert rb.requests == []


@pytest.mark.django_db
def test_a_failing_receiver_is_retried_with_backoff_then_dead_lettered_and_replay_delivers(
    council_a, receiver, settings
):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 10
    r = receiver(status=500)
    with schema_context(council_a.schema_name):
        _subscribe(r.url)
        _emit()
        assert _relay() == {"delivered": 0, "failed": 1}
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == WebhookDelivery.Status.PENDING
        assert delivery.last_status_code == 500 and "HTTP 500" in delivery.last_error
        wait = delivery.next_attempt_at - timezone.now()
        assert timedelta(seconds=4) < wait <= timedelta(seconds=10)
        assert _relay() == {"delivered": 0, "failed": 0}  # backing off
        # The retry window (24 hours after the event) has passed: the next failure is final.
        WebhookDelivery.objects.update(
            next_attempt_at=timezone.now(), retry_until=timezone.now() - timedelta(seconds=1)
        )
        assert _relay() == {"delivered": 0, "failed": 1}
        delivery.refresh_from_db()
        assert delivery.status == WebhookDelivery.Status.DEAD and delivery.attempts == 2
        assert list(delivery.log.values_list("status_code", flat=True)) == [500, 500]
        assert _relay() == {"delivered": 0, "failed": 0}
        r.status = 200
        webhooks.replay_delivery("tester", delivery)
        with pytest.raises(Refused):
            webhooks.replay_delivery("tester", delivery)  # pending now: not a dead letter
        assert _relay() == {"delivered": 1, "failed": 0}
        delivery.refresh_from_db()
        assert delivery.status == WebhookDelivery.Status.DELIVERED
        assert delivery.retry_until > timezone.now() + timedelta(hours=23)


def test_backoff_doubles_with_jitter_up_to_the_cap(settings):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 30
    settings.WEBHOOKS_RETRY_MAX_SECONDS = 3600
    for attempts, delay in [(1, 30), (2, 60), (3, 120), (12, 3600)]:
        seen = {webhooks.backoff(attempts).total_seconds() for _ in range(30)}
        assert all(delay / 2 <= s <= delay for s in seen)
        assert len(seen) > 1  # jitter


@pytest.mark.django_db
def test_a_hanging_receiver_times_out(council_a, receiver, settings):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.5
    r = receiver(delay=3)
    with schema_context(council_a.schema_name):
        _subscribe(r.url)
        _emit()
        started = time.monotonic()
        assert _relay() == {"delivered": 0, "failed": 1}
        assert time.monotonic() - started < 2.5
        attempt = WebhookAttempt.objects.get()
        assert attempt.status_code is None and "Timeout" in attempt.error
        assert 400 <= attempt.latency_ms < 2500


@pytest.mark.django_db
def test_an_endpoint_that_keeps_failing_is_disabled_and_the_admins_are_emailed(
    council_a, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    r = receiver(status=503)
    with schema_context(council_a.schema_name):
        get_user_model().objects.create_user("admin-a", email="admin@a.example", is_superuser=True)
        get_user_model().objects.create_user("clerk-a", email="clerk@a.example")
        endpoint = _subscribe(r.url)
        for n in range(3):
            _emit(subject=f"records/record/{n}", record=n)
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                assert _relay() == {"delivered": 0, "failed": 3}
        endpoint.refresh_from_db()
        assert not endpoint.active and "3 failed attempts" in endpoint.disabled_reason
        (notice,) = [m for m in mail.outbox if "disabled" in m.subject]
        assert "admin@a.example" in notice.to and "clerk@a.example" not in notice.to
        assert endpoint.url in notice.body
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        assert _relay() == {"delivered": 0, "failed": 0}  # a disabled endpoint is not called
        r.status = 200
        webhooks.update_endpoint("tester", endpoint, active=True)
        assert _relay() == {"delivered": 3, "failed": 0}  # queued deliveries flow again
        endpoint.refresh_from_db()
        assert endpoint.consecutive_failures == 0


@pytest.mark.django_db
def test_secret_rotation_signs_with_both_secrets_during_the_overlap(council_a, receiver):
    r = receiver()
    with schema_context(council_a.schema_name):
        endpoint = _subscribe(r.url)
        old = endpoint.secret
        endpoint = webhooks.rotate_secret("tester", endpoint, overlap_hours=1)
        assert endpoint.secret != old
        _emit()
        _relay()
        request = r.requests[-1]
        header = request["headers"][signing.HEADER]
        assert header.count("v1=") == 2
        assert signing.verify(header, request["body"], old)
        assert signing.verify(header, request["body"], endpoint.secret)
        endpoint.previous_secret_expires_at = timezone.now() - timedelta(seconds=1)
        endpoint.save()
        _emit(subject="records/record/2", record=2)
        _relay()
        request = r.requests[-1]
        header = request["headers"][signing.HEADER]
        assert header.count("v1=") == 1
        assert not signing.verify(header, request["body"], old)
        assert signing.verify(header, request["body"], endpoint.secret)


def test_signature_verification_refuses_tampering_and_old_timestamps():
    body = b'{"id":"1"}'
    header = signing.sign(body, ["whsec_a"], timestamp=1_000_000)
    assert signing.verify(header, body, "whsec_a", now=1_000_010)
    assert not signing.verify(header, body + b" ", "whsec_a", now=1_000_010)
    assert not signing.verify(header, body, "whsec_b", now=1_000_010)
    assert not signing.verify(header, body, "whsec_a", now=1_000_000 + 301)
    assert not signing.verify("v1=abc", body, "whsec_a")


@pytest.mark.django_db
def test_deliveries_keep_event_order_per_subject_and_endpoint(council_a, receiver, settings):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 1
    r = receiver(status=500)
    with schema_context(council_a.schema_name):
        _subscribe(r.url)
        first = _emit(subject="records/record/1", record=1)
        second = _emit(subject="records/record/1", record=2)
        other = _emit(subject="records/record/9", record=9)
        assert _relay() == {"delivered": 0, "failed": 2}  # the second waits for the first
        assert {q["event"]["id"] for q in r.requests} == {first["id"], other["id"]}
        r.status = 200
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        assert _relay() == {"delivered": 3, "failed": 0}
        order = [q["event"]["id"] for q in r.requests if q["event"]["subject"].endswith("/1")]
        assert order == [first["id"], first["id"], second["id"]]


@pytest.mark.django_db
def test_a_redirect_is_not_followed(council_a, receiver):
    r = receiver(status=302)
    with schema_context(council_a.schema_name):
        _subscribe(r.url)
        _emit()
        assert _relay() == {"delivered": 0, "failed": 1}
        assert "redirect not followed" in WebhookAttempt.objects.get().error


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example.org/",
        "http://hooks.example.org/",  # plain http only to 127.0.0.1 in tests/dev
        "https://user:pw@hooks.example.org/",
        "https://127.0.0.1/",
        "https://localhost/",
        "https://10.1.2.3/",
        "https://192.168.0.1/",
        "https://169.254.169.254/latest/meta-data/",  # cloud metadata
        "https://[::1]/",
        "https://[::ffff:10.0.0.1]/",
        "https://[fd00::1]/",
        "https://0.0.0.0/",
    ],
)
def test_production_refuses_unsafe_urls_when_subscribing(url, settings):
    settings.WEBHOOKS_ALLOW_LOCAL = False
    with pytest.raises(transport.UnsafeURL):
        transport.check_url(url)


def test_production_checks_the_resolved_address_at_delivery_time(settings):
    """Names that pass the subscription check but resolve to loopback are refused when sent
    (a DNS name can point anywhere by then)."""
    settings.WEBHOOKS_ALLOW_LOCAL = False
    for url in ("https://2130706433/hook", "https://127.1/hook", "https://0x7f.1/hook"):
        transport.check_url(url)  # no DNS at subscription time
        with pytest.raises(transport.UnsafeURL, match="private or loopback"):
            transport.resolve(url)
        outcome = transport.post(url, b"{}", {})
        assert not outcome.ok and "private or loopback" in outcome.error


def test_public_addresses_are_allowed_and_loopback_only_with_the_local_setting(settings):
    settings.WEBHOOKS_ALLOW_LOCAL = False
    assert transport.address_allowed(ipaddress.ip_address("93.184.216.34"))
    assert not transport.address_allowed(ipaddress.ip_address("127.0.0.1"))
    transport.check_url("https://93.184.216.34/hook")
    settings.WEBHOOKS_ALLOW_LOCAL = True
    assert transport.address_allowed(ipaddress.ip_address("127.0.0.1"))
    assert not transport.address_allowed(ipaddress.ip_address("10.0.0.1"))
    transport.check_url("http://127.0.0.1:8080/hook")
    with pytest.raises(transport.UnsafeURL):
        transport.check_url("http://10.0.0.1/hook")


@pytest.mark.django_db
def test_subscribing_checks_the_types_against_the_catalogue(council_a):
    with schema_context(council_a.schema_name):
        with pytest.raises(ValueError, match="not an event type"):
            _subscribe("http://127.0.0.1:9/hook", types=["no.such.type"])
        with pytest.raises(ValueError, match="at least one"):
            _subscribe("http://127.0.0.1:9/hook", types=[])


@pytest.mark.django_db
def test_fan_out_is_idempotent_when_the_relay_runs_again(council_a, receiver):
    r = receiver()
    with schema_context(council_a.schema_name):
        _subscribe(r.url)
        _emit()
        relay_pending()
        event = OutboxEvent.objects.get()
        assert webhooks.fan_out(event) == 1
        assert WebhookDelivery.objects.count() == 1
