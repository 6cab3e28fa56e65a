"""The kernel's council-domain routes (health, media, whoami, API schema) for the isolation probe,
the console's platform-events page (platform domain, read-only for everyone) and the console's
platform webhooks (platform staff's endpoints, their deliveries and dead letters).

Media: council B's staff and an anonymous visitor on B's domain ask for council A's public file
(an image rendition, the only thing /media/ serves) by name; the answer must be the one for a
file that exists nowhere. Private files and the traversal matrix (``..%5C``, ``%2e%2e``
...) are in tests/isolation/test_media.py.
"""

from tests.isolation.probe import MARKER, Seed


def probe_objects(w) -> None:
    """A platform event about council A (public schema), marked."""
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from platform_core.models import (
        PlatformOutboxEvent,
        PlatformWebhookDelivery,
        PlatformWebhookEndpoint,
    )

    with schema_context("public"):
        now = timezone.now()
        w.platform_event = PlatformOutboxEvent.objects.create(
            type="tenants.council.suspended",
            subject=f"councils/{w.council.schema_name}",
            source="/platform",
            council=w.council.schema_name,
            time=now,
            next_attempt_at=now,
            status=PlatformOutboxEvent.Status.DELIVERED,
            data={"reason": MARKER},
        )
        w.platform_webhook = PlatformWebhookEndpoint.objects.create(
            url="https://hooks.example/probe",
            description=MARKER,
            event_types=["tenants.council.suspended"],
            secret="probe-secret",
        )
        w.platform_delivery = PlatformWebhookDelivery.objects.create(
            endpoint=w.platform_webhook,
            event=w.platform_event,
            subject=w.platform_event.subject,
            status=PlatformWebhookDelivery.Status.DEAD,
            attempts=3,
            next_attempt_at=now,
            retry_until=now,
            last_error=MARKER,
        )


def _platform_events() -> list[Seed]:
    model = "platform_core_platformoutboxevent"
    kwargs = lambda w: {"object_id": w.platform_event.pk}  # noqa: E731
    reason = "platform events are records of what happened: read-only for everyone"
    return [
        Seed(f"admin:{model}_history", kwargs=kwargs, urlconf="public"),
        Seed(
            f"admin:{model}_change",
            kwargs=kwargs,
            urlconf="public",
            body={"POST": {}},
            control={"POST": 403},
            reason=reason,
        ),
        Seed(
            f"admin:{model}_delete",
            kwargs=kwargs,
            urlconf="public",
            body={"POST": {"post": "yes"}},
            control={"GET": 403, "POST": 403},
            reason=reason,
        ),
        Seed(
            f"admin:{model}_add",
            urlconf="public",
            body={"POST": {}},
            control={"GET": 403, "POST": 403},
            reason=reason,
        ),
        Seed(
            f"admin:{model}_changelist",
            urlconf="public",
            body={"POST": {"action": "", "index": "0"}},
            control_writes=False,
            reason=reason + "; a POST without an action changes nothing (replay is tested in "
            "platform_core/events/tests/test_platform_events.py)",
        ),
        Seed(
            "console/platform_core/platformoutboxevent/<path:object_id>/",
            kwargs=kwargs,
            urlconf="public",
            methods=("GET",),
            reason="Django admin's redirect to the change page; every method gets the same "
            "redirect, so GET stands for all",
        ),
    ]


def _platform_webhooks() -> list[Seed]:
    endpoint = lambda w: {"pk": w.platform_webhook.pk}  # noqa: E731
    delivery = lambda w: {"pk": w.platform_delivery.pk}  # noqa: E731
    return [
        Seed(
            "console-webhook-add",
            urlconf="public",
            body={
                "POST": {
                    "url": "https://hooks.example/probe-new",
                    "event_types": ["tenants.council.deleted"],
                }
            },
            reason="the form to subscribe a platform endpoint: platform staff only",
        ),
        Seed("console-webhook", kwargs=endpoint, urlconf="public"),
        Seed(
            "console-webhook-rotate",
            kwargs=endpoint,
            urlconf="public",
            body={"POST": {"rotate-overlap_hours": "1"}},
        ),
        Seed(
            "console-webhook-state",
            kwargs=endpoint,
            urlconf="public",
            body={"POST": {"state-active": "off"}},
        ),
        Seed("console-webhook-delivery", kwargs=delivery, urlconf="public"),
        Seed(
            "console-webhook-replay",
            kwargs=delivery,
            urlconf="public",
            body={"POST": {}},
        ),
        Seed(
            "console-webhook-dead",
            urlconf="public",
            reason="the platform's dead-lettered webhook deliveries, for platform staff only",
        ),
        Seed(
            "console-webhooks",
            urlconf="public",
            reason="the platform's webhook endpoints, for platform staff only",
        ),
    ]


def probe_seeds() -> list[Seed]:
    return [
        *_platform_events(),
        *_platform_webhooks(),
        Seed(
            "media",
            kwargs=lambda w: {"name": w.rendition.file.name},  # public media: renditions only
            missing={"name": "images/no-such-file-probe.png"},
        ),
    ]
