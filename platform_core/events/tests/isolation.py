"""Council A's webhook endpoint, a dead-lettered delivery and a dead outbox event, and how the
isolation probe reaches every webhook admin route (see tests/isolation/__init__.py)."""

from tests.isolation.probe import FORM, MARKER, Seed

TYPE = "records.record.destroyed"


def probe_objects(w) -> None:
    from django.db import transaction

    from platform_core.events import emit, webhooks
    from platform_core.events.models import OutboxEvent, WebhookDelivery

    w.webhook = webhooks.create_endpoint(
        "probe", url=f"http://127.0.0.1:9/{MARKER}", event_types=[TYPE], description=MARKER
    )
    data = {
        "record": 987654,
        "uid": "6f1c4bde-5a0e-4c43-9d0c-1f7c8e1b2a3d",
        "reason": MARKER,
        "batch": None,
        "versions": [],
    }
    with transaction.atomic():
        emit(TYPE, subject=f"probe/{MARKER}", data=data)
        emit(TYPE, subject=f"probe/{MARKER}/dead", data=data)
        transaction.get_connection().run_on_commit.clear()
    delivered, dead = OutboxEvent.objects.filter(subject__startswith="probe/").order_by("id")
    webhooks.fan_out(delivered)
    OutboxEvent.objects.filter(pk=delivered.pk).update(status=OutboxEvent.Status.DELIVERED)
    OutboxEvent.objects.filter(pk=dead.pk).update(
        status=OutboxEvent.Status.DEAD, attempts=8, last_error=MARKER
    )
    w.webhook_delivery = WebhookDelivery.objects.get(endpoint=w.webhook)
    WebhookDelivery.objects.filter(pk=w.webhook_delivery.pk).update(
        status=WebhookDelivery.Status.DEAD, attempts=3, last_error=MARKER
    )
    w.dead_event = dead


def probe_seeds() -> list[Seed]:
    endpoint = lambda w: {"pk": w.webhook.pk}  # noqa: E731
    return [
        Seed(
            "events_webhook_add",
            body={"POST": {"url": "http://127.0.0.1:9/new", "event_types": [TYPE]}},
        ),
        Seed("events_webhook_detail", kwargs=endpoint),
        Seed("events_webhook_edit", kwargs=endpoint, body={"POST": FORM}),
        Seed("events_webhook_delete", kwargs=endpoint, body={"POST": {}}),
        Seed("events_webhook_rotate", kwargs=endpoint, body={"POST": {}}),
        Seed("events_delivery_detail", kwargs=lambda w: {"pk": w.webhook_delivery.pk}),
        Seed(
            "events_delivery_replay",
            kwargs=lambda w: {"pk": w.webhook_delivery.pk},
            body={"POST": {}},
        ),
        Seed("events_event_replay", kwargs=lambda w: {"pk": w.dead_event.pk}, body={"POST": {}}),
    ]
