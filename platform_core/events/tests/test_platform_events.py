"""Platform events: the public schema's outbox (``emit_platform``), written in the transaction
of a council's lifecycle step, each about one council, relayed by the same relay to internal
handlers; never reachable by a council's (or a provider's) webhook endpoint."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from platform_core.events import emit, emit_platform, registry
from platform_core.events.models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from platform_core.events.outbox import validate
from platform_core.events.relay import max_attempts, relay_pending, replay
from platform_core.events.testing import Receiver
from platform_core.events.webhooks import create_endpoint, deliver_due
from platform_core.models import PlatformOutboxEvent, PlatformProcessedEvent
from tenants import actions, lifecycle
from tenants.models import Council
from tenants.tasks import delete_due_councils

pytestmark = pytest.mark.django_db

LIFECYCLE_TYPES = [
    "tenants.council.provisioned",
    "tenants.council.restored",
    "tenants.council.suspended",
    "tenants.council.reactivated",
    "tenants.council.deletion_scheduled",
    "tenants.council.deletion_cancelled",
    "tenants.council.deleted",
]
PLATFORM_TYPES = [*LIFECYCLE_TYPES, "benchmarking.pool.published"]


class Boom(Exception):
    pass


def platform_events(council: Council | str):
    schema = council if isinstance(council, str) else council.schema_name
    return list(PlatformOutboxEvent.objects.filter(council=schema).order_by("id"))


def cloudevents(council):
    from platform_core.events.outbox import as_cloudevent

    return [as_cloudevent(e) for e in platform_events(council)]


@pytest.fixture
def platform_handler():
    """``platform_handler(type, func)`` registers ``func`` as a handler of a platform type for
    the test (the registry is put back afterwards)."""
    saved = {k: dict(v) for k, v in registry._handlers.items()}

    def install(type_name, func):
        registry._handlers[type_name] = {}
        registry.handler(type_name)(func)

    yield install
    registry._handlers.clear()
    registry._handlers.update(saved)


def test_the_catalogue_has_every_platform_type_with_its_scope():
    for name in PLATFORM_TYPES:
        found = registry.event_type(name)
        assert found.scope == "platform" and found.audience == ""
        assert found.as_dict()["scope"] == "platform"
        assert found.schema["x-subject"] == "councils/{council}"
    assert registry.event_type("records.record.destroyed").scope == "council"


def test_suspend_and_reactivate_write_platform_events_about_the_council(
    council_a, django_capture_on_commit_callbacks
):
    before = len(platform_events(council_a))
    with django_capture_on_commit_callbacks(execute=False):
        actions.suspend_council(council_a, "Unpaid invoice", actor="ops")
        actions.reactivate_council(council_a, actor="ops", reason="Paid")
    events = cloudevents(council_a)[before:]
    assert [e["type"] for e in events] == [
        "tenants.council.suspended",
        "tenants.council.reactivated",
    ]
    for event in events:
        validate(event)  # the envelope and the type's data schema
        assert event["council"] == council_a.schema_name
        assert event["source"] == "/platform"
        assert event["subject"] == f"councils/{council_a.schema_name}"
        assert event["data"]["council"] == council_a.schema_name
        assert event["data"]["slug"] == council_a.slug and event["data"]["actor"] == "ops"
    assert events[0]["data"]["reason"] == "Unpaid invoice"
    # In the public schema only: the council's own outbox has none of them.
    with schema_context(council_a.schema_name):
        assert not OutboxEvent.objects.filter(type__startswith="tenants.").exists()


def test_a_rolled_back_step_writes_no_platform_event(council_a, django_capture_on_commit_callbacks):
    before = len(platform_events(council_a))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            actions.suspend_council(council_a, "about to fail")
            assert len(platform_events(council_a)) == before + 1  # same transaction
            raise Boom
    assert len(platform_events(council_a)) == before
    assert callbacks == []  # and no wake-up
    council_a.refresh_from_db()
    assert council_a.status == Council.Status.ACTIVE


def test_a_failed_provisioning_leaves_no_platform_event(monkeypatch):
    def fail(*args, **kwargs):
        raise Boom("personalising failed")

    monkeypatch.setattr(actions, "personalise_council", fail)
    with pytest.raises(Boom):
        actions.provision_council(
            name="Failford Council",
            slug="failford",
            gss_code="E06000907",
            tier="unitary",
            admin_email="a@failford.example",
            notify=False,
        )
    assert platform_events("c_failford") == []


def test_lifecycle_from_provisioning_to_deletion_and_the_event_outlives_the_schema(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        council = actions.provision_council(
            name="Epsilon Council",
            slug="epsilonton",
            gss_code="E06000908",
            tier="unitary",
            admin_email="chief@epsilonton.example",
            notify=False,
        ).council
    schema = council.schema_name
    try:
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.schedule_deletion(council, actor="ops", reason="Contract ended")
        lifecycle.cancel_deletion(council, actor="ops", reason="Renewed")
        with django_capture_on_commit_callbacks(execute=True):
            export = lifecycle.schedule_deletion(council, actor="ops", reason="Ended after all")
        Council.objects.filter(pk=council.pk).update(
            deletion_due_at=timezone.now() - timedelta(minutes=1)
        )
        assert delete_due_councils()["deleted"] == ["epsilonton"]
    finally:
        lifecycle.delete_files(schema)
    events = cloudevents(schema)
    assert [e["type"] for e in events] == [
        "tenants.council.provisioned",
        "tenants.council.deletion_scheduled",
        "tenants.council.deletion_cancelled",
        "tenants.council.deletion_scheduled",
        "tenants.council.deleted",
    ]
    for event in events:
        validate(event)
        assert event["council"] == schema and event["subject"] == f"councils/{schema}"
    provisioned = events[0]["data"]
    assert provisioned["gss_code"] == "E06000908" and provisioned["method"] == "clone"
    assert provisioned["domain"].startswith("epsilonton.")
    assert events[3]["data"]["export"] == export.pk and events[3]["data"]["due"]
    assert events[4]["data"]["export"] == export.pk
    assert not Council.objects.filter(schema_name=schema).exists()  # gone; its events stay


def test_the_relay_delivers_platform_events_to_internal_handlers_once(
    council_a, platform_handler, django_capture_on_commit_callbacks
):
    from platform_core.events import tasks

    seen = []

    def on_suspended(event):
        from platform_core.db import connection

        seen.append((event["council"], event["data"]["reason"], connection.schema_name))

    platform_handler("tenants.council.suspended", on_suspended)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.suspend_council(council_a, "Audit")
    assert len(callbacks) == 1
    assert callbacks[0].schema == "public"  # the wake-up names the public schema's relay
    result = tasks.relay_council(schema="public")
    assert result["failed"] == 0 and result["delivered"] >= 1
    assert seen == [(council_a.schema_name, "Audit", "public")]
    event = platform_events(council_a)[-1]
    event.refresh_from_db()
    assert event.status == PlatformOutboxEvent.Status.DELIVERED
    assert PlatformProcessedEvent.objects.filter(event_id=event.event_id).count() == 1
    # Nothing relayed twice: a second run (the beat sweep) finds nothing to do.
    tasks.relay_all()
    assert len(seen) == 1


def test_a_failing_platform_handler_retries_then_dead_letters_and_replays(
    council_a, platform_handler, settings
):
    calls = []

    def flaky(event):
        calls.append(event["id"])
        raise Boom("down")

    platform_handler("tenants.council.suspended", flaky)
    actions.suspend_council(council_a, "flaky")
    event = platform_events(council_a)[-1]
    for _ in range(max_attempts()):
        PlatformOutboxEvent.objects.filter(pk=event.pk).update(next_attempt_at=timezone.now())
        relay_pending()
    event.refresh_from_db()
    assert event.status == PlatformOutboxEvent.Status.DEAD and "Boom: down" in event.last_error
    assert len(calls) == max_attempts()
    platform_handler("tenants.council.suspended", lambda e: calls.append("ok"))
    replay(event)
    relay_pending()
    event.refresh_from_db()
    assert event.status == PlatformOutboxEvent.Status.DELIVERED and calls[-1] == "ok"


def test_the_public_outbox_orders_events_per_council(council_a, council_b, platform_handler):
    order = []
    platform_handler("tenants.council.suspended", lambda e: order.append(("s", e["council"])))
    failing = {"on": True}

    def reactivated(event):
        if failing["on"] and event["council"] == council_a.schema_name:
            raise Boom("hold")
        order.append(("r", event["council"]))

    platform_handler("tenants.council.reactivated", reactivated)
    actions.suspend_council(council_a, "x")
    actions.suspend_council(council_b, "x")
    actions.reactivate_council(council_a)
    actions.reactivate_council(council_b)
    actions.suspend_council(council_a, "again")
    relay_pending()
    # A's reactivation failed: A's later suspension waits; B's events go on.
    assert order == [
        ("s", council_a.schema_name),
        ("s", council_b.schema_name),
        ("r", council_b.schema_name),
    ]
    failing["on"] = False
    PlatformOutboxEvent.objects.filter(status="pending").update(next_attempt_at=timezone.now())
    relay_pending()
    assert order[3:] == [("r", council_a.schema_name), ("s", council_a.schema_name)]


def test_emit_keeps_council_and_platform_types_apart(council_a):
    data = {"council": council_a.schema_name, "slug": "a", "name": "A", "actor": "", "reason": ""}
    with schema_context(council_a.schema_name):
        with pytest.raises(ValueError, match="platform event"):
            emit("tenants.council.suspended", subject="councils/x", data=data)
    with pytest.raises(ValueError, match="council event"):
        emit_platform("records.record.destroyed", council_a.schema_name, "s", {})
    for bad in ("public", "", "C A", None):
        with pytest.raises(ValueError, match="one council"):
            emit_platform("tenants.council.suspended", bad, "councils/x", data)


def test_council_administrators_cannot_subscribe_to_platform_events(council_a):
    with schema_context(council_a.schema_name):
        with pytest.raises(ValueError, match="platform event"):
            create_endpoint(
                None, url="https://hooks.example/x", event_types=["tenants.council.suspended"]
            )
        with pytest.raises(ValueError, match="platform event"):
            create_endpoint(
                None,
                url="https://hooks.example/x",
                event_types=["benchmarking.pool.published"],
                organization="4f5e2f0e-1b7a-4a55-9d7e-1c4f7c9b0a11",
            )
        assert not WebhookEndpoint.objects.exists()


def test_council_a_receivers_never_get_platform_events_about_council_b(
    council_a, council_b, django_capture_on_commit_callbacks
):
    """Even an endpoint whose types were widened in the database past the subscription checks
    gets nothing: platform events live in the public schema's outbox, which the relay never
    fans out, and council A's outbox holds only A's own events."""
    receiver = Receiver().start()
    try:
        with schema_context(council_a.schema_name):
            endpoint = create_endpoint(
                None, url=receiver.url, event_types=["records.record.destroyed"]
            )
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(event_types=PLATFORM_TYPES)
        with django_capture_on_commit_callbacks(execute=True):
            actions.suspend_council(council_b, "B only")
            actions.reactivate_council(council_b)
        from platform_core.events import tasks

        tasks.relay_all()  # public outbox, then every council's
        with schema_context(council_a.schema_name):
            relay_pending()
            deliver_due()
            assert not WebhookDelivery.objects.exists()
        assert receiver.requests == []
    finally:
        receiver.stop()


def test_the_catalogue_api_lists_the_platform_types(client, platform_host):
    body = client.get("/api/v1/events/catalogue/", HTTP_HOST=platform_host).json()
    listed = {r["type"]: r for r in body["results"]}
    for name in PLATFORM_TYPES:
        assert listed[name]["scope"] == "platform"
    assert listed["records.record.destroyed"]["scope"] == "council"


def test_platform_staff_see_platform_events_in_the_console_and_replay_dead_ones(
    council_a, platform_handler, django_capture_on_commit_callbacks
):
    from tenants.tests.consolehelpers import console_client, platform_user

    actions.suspend_council(council_a, "console")
    event = platform_events(council_a)[-1]
    PlatformOutboxEvent.objects.filter(pk=event.pk).update(status="dead", last_error="Boom")
    viewer = console_client(
        platform_user("viewer@platform.example", perms=["platform_core.view_platformoutboxevent"])
    )
    listing = viewer.get("/console/platform_core/platformoutboxevent/")
    assert listing.status_code == 200
    assert council_a.schema_name in listing.content.decode()
    url = "/console/platform_core/platformoutboxevent/"
    form = {"action": "replay_dead", "_selected_action": [event.pk]}
    viewer.post(url, form)  # a viewer cannot replay: the action is not offered
    event.refresh_from_db()
    assert event.status == "dead"
    root = console_client(platform_user("root@platform.example", superuser=True))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = root.post(url, form)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "pending" and event.attempts == 0
    assert [c.schema for c in callbacks if hasattr(c, "schema")] == ["public"]
    history = root.get(f"{url}{event.pk}/history/").content.decode()
    assert "Replayed" in history
