"""The webhook admin screens (Settings > Webhooks): a council administrator subscribes, sees
the secret, rotates it, edits, inspects deliveries and replays dead letters; other staff and
other councils get nothing."""

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from platform_core.audit.models import AuditEntry
from platform_core.events import emit, webhooks
from platform_core.events.models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from platform_core.events.relay import relay_pending

from .conftest import TYPE, event_data


def _dead_delivery(url="http://127.0.0.1:9/hook"):
    endpoint = webhooks.create_endpoint("tester", url=url, event_types=[TYPE])
    with transaction.atomic():
        emit(TYPE, subject="records/record/1", data=event_data())
        transaction.get_connection().run_on_commit.clear()
    relay_pending()
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    delivery.status = WebhookDelivery.Status.DEAD
    delivery.last_error = "HTTP 500 (not a 2xx answer)"
    delivery.save()
    return endpoint, delivery


@pytest.mark.django_db
def test_a_council_administrator_subscribes_sees_the_secret_and_rotates_it(client_a, council_a):
    response = client_a.get("/admin/webhooks/add/")
    assert response.status_code == 200 and TYPE in response.content.decode()
    response = client_a.post(
        "/admin/webhooks/add/",
        {"url": "http://127.0.0.1:8123/hook", "description": "Case system", "event_types": [TYPE]},
    )
    assert response.status_code == 302
    with schema_context(council_a.schema_name):
        endpoint = WebhookEndpoint.objects.get()
        assert endpoint.event_types == [TYPE] and endpoint.created_by == client_a.user.username
        assert AuditEntry.objects.filter(action="events.webhook.created").exists()
    page = client_a.get(response["Location"]).content.decode()
    assert endpoint.secret in page and "Case system" in page
    assert client_a.post(f"/admin/webhooks/{endpoint.pk}/rotate/").status_code == 302
    with schema_context(council_a.schema_name):
        rotated = WebhookEndpoint.objects.get()
        assert rotated.secret != endpoint.secret and rotated.previous_secret == endpoint.secret
    listing = client_a.get("/admin/webhooks/").content.decode()
    assert "http://127.0.0.1:8123/hook" in listing


@pytest.mark.django_db
def test_the_form_names_an_unsafe_url_and_a_missing_type(client_a, council_a, settings):
    settings.WEBHOOKS_ALLOW_LOCAL = False
    response = client_a.post(
        "/admin/webhooks/add/", {"url": "https://169.254.169.254/latest", "event_types": [TYPE]}
    )
    assert response.status_code == 200
    assert "private or loopback" in response.content.decode()
    response = client_a.post("/admin/webhooks/add/", {"url": "https://hooks.example.org/"})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    with schema_context(council_a.schema_name):
        assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_staff_edit_inspect_and_replay_a_dead_delivery(client_a, council_a):
    with schema_context(council_a.schema_name):
        endpoint, delivery = _dead_delivery()
    response = client_a.post(
        f"/admin/webhooks/{endpoint.pk}/edit/",
        {"url": endpoint.url, "description": "Renamed", "event_types": [TYPE]},
    )
    assert response.status_code == 302
    with schema_context(council_a.schema_name):
        endpoint.refresh_from_db()
        assert endpoint.description == "Renamed" and not endpoint.active  # unticked: disabled
    dead = client_a.get("/admin/webhooks/dead-letters/").content.decode()
    assert f"/admin/webhooks/deliveries/{delivery.pk}/" in dead
    detail = client_a.get(f"/admin/webhooks/deliveries/{delivery.pk}/").content.decode()
    assert "Replay" in detail and TYPE in detail
    assert client_a.post(f"/admin/webhooks/deliveries/{delivery.pk}/replay/").status_code == 302
    with schema_context(council_a.schema_name):
        delivery.refresh_from_db()
        assert delivery.status == WebhookDelivery.Status.PENDING
        assert delivery.next_attempt_at <= timezone.now()
        assert AuditEntry.objects.filter(action="events.webhook.replayed").exists()
    assert client_a.post(f"/admin/webhooks/{endpoint.pk}/delete/").status_code == 302
    with schema_context(council_a.schema_name):
        assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_a_dead_internal_event_is_replayed_from_the_admin(client_a, council_a):
    with schema_context(council_a.schema_name):
        with transaction.atomic():
            emit(TYPE, subject="records/record/1", data=event_data())
            transaction.get_connection().run_on_commit.clear()
        OutboxEvent.objects.update(status=OutboxEvent.Status.DEAD, last_error="S3 down")
        event = OutboxEvent.objects.get()
    assert "S3 down" in client_a.get("/admin/webhooks/dead-letters/").content.decode()
    assert client_a.post(f"/admin/webhooks/events/{event.pk}/replay/").status_code == 302
    with schema_context(council_a.schema_name):
        event.refresh_from_db()
        assert event.status == OutboxEvent.Status.PENDING
        assert AuditEntry.objects.filter(action="events.event.replayed").exists()


@pytest.mark.django_db
def test_other_staff_and_other_councils_get_nothing(
    client_a, client_b, council_a, staff_client_factory
):
    with schema_context(council_a.schema_name):
        endpoint, delivery = _dead_delivery()
    editor = staff_client_factory(council_a, groups=("Editors",), username="editor@a.example")
    for path in ("/admin/webhooks/", f"/admin/webhooks/{endpoint.pk}/"):
        assert editor.get(path).status_code in (302, 403)
    assert editor.post(f"/admin/webhooks/{endpoint.pk}/rotate/").status_code in (302, 403)
    for path in (f"/admin/webhooks/{endpoint.pk}/", f"/admin/webhooks/deliveries/{delivery.pk}/"):
        assert client_b.get(path).status_code == 404
    assert client_b.post(f"/admin/webhooks/deliveries/{delivery.pk}/replay/").status_code == 404
    assert endpoint.secret not in client_b.get("/admin/webhooks/").content.decode()
    with schema_context(council_a.schema_name):
        delivery.refresh_from_db()
        assert delivery.status == WebhookDelivery.Status.DEAD
