"""A burst of events in one commit refreshes the outbox's planner statistics before the relay
runs (``EVENTS_ANALYZE_AFTER``): with the statistics of a table that had nothing pending,
PostgreSQL checked "no earlier pending event of this subject" as a nested loop over every
pending row, so each claim of a 2,000-event burst compared millions of rows (docs/benchmarks.md,
"Events")."""

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from platform_core.events import emit
from platform_core.events.models import OutboxEvent
from platform_core.events.relay import _claimable

pytestmark = pytest.mark.django_db

TYPE = "funding.grant.awarded"


def _grant(n: int) -> dict:
    return {
        "grant": n,
        "identifier": f"360G-test-{n}",
        "title": "Grant",
        "recipient": "Org",
        "amount": "10.00",
        "currency": "GBP",
        "awarded_on": "2026-11-30",
    }


def _claim_plan() -> str:
    sql, params = _claimable().select_for_update(skip_locked=True)[:100].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("analyze_after", [50, 0])
def test_a_burst_in_one_commit_gets_a_claim_plan_that_is_not_quadratic(
    council_a, settings, django_capture_on_commit_callbacks, monkeypatch, analyze_after
):
    from platform_core.events import tasks

    queued = []
    monkeypatch.setattr(tasks.relay_council, "apply_async", lambda kwargs: queued.append(kwargs))
    settings.EVENTS_ANALYZE_AFTER = analyze_after
    settings.EVENTS_VALIDATE = False
    with schema_context(council_a.schema_name):
        now = timezone.now()
        OutboxEvent.objects.bulk_create(
            OutboxEvent(
                type=TYPE,
                subject=f"old/{i}",
                source="s",
                time=now,
                data={},
                next_attempt_at=now,
                status=OutboxEvent.Status.DELIVERED,
            )
            for i in range(5000)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE events_outboxevent")  # what the statistics knew: none pending
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            for i in range(300):
                emit(TYPE, subject=f"funding/grant/{i}", data=_grant(i))
        plan = _claim_plan()
    assert queued == [{"schema": council_a.schema_name}]  # analysed, then woken once
    # The old plan: a nested loop whose inner side scans every pending row (the partial index
    # of pending events) for each candidate, quadratic in the burst. With fresh statistics the
    # planner hashes the pending rows once or probes (subject, id).
    quadratic = (
        "Nested Loop Anti Join" in plan and "events_outbox_pending on events_outboxevent u0" in plan
    )
    assert quadratic == (not analyze_after), plan


def _delivery_claim_plan() -> str:
    from platform_core.events.webhooks import _claimable as delivery_claimable

    query = delivery_claimable().select_related("endpoint", "event")
    query = query.select_for_update(skip_locked=True, of=("self",))[:100]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("analyze_after", [200, 0])
def test_a_relay_run_that_fanned_out_a_backlog_refreshes_the_delivery_claims_plan(
    council_a, settings, monkeypatch, analyze_after
):
    """The webhook deliveries' claim has the same weakness: a relay run that has relayed
    ``EVENTS_ANALYZE_AFTER`` events analyses the deliveries (and outbox) tables, so the claims
    that follow are not a nested loop over every pending delivery."""
    from platform_core.events import tasks, webhooks
    from platform_core.events.models import WebhookDelivery, WebhookEndpoint

    settings.EVENTS_ANALYZE_AFTER = analyze_after
    settings.EVENTS_RELAY_BATCH = 100
    settings.EVENTS_VALIDATE = False
    plans = []

    def send_nothing(limit=None):  # the deliveries stay pending; the claim's plan is recorded
        plans.append(_delivery_claim_plan())
        return {"delivered": 0, "failed": 0}

    monkeypatch.setattr(webhooks, "deliver_due", send_nothing)
    with schema_context(council_a.schema_name):
        endpoint = WebhookEndpoint.objects.create(
            url="http://127.0.0.1:9/hook", event_types=[TYPE], secret="whsec_test"
        )
        now = timezone.now()
        old = OutboxEvent.objects.bulk_create(
            OutboxEvent(
                type=TYPE,
                subject=f"old/{i}",
                source="s",
                time=now,
                data={},
                next_attempt_at=now,
                status=OutboxEvent.Status.DELIVERED,
            )
            for i in range(5000)
        )
        WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                endpoint=endpoint,
                event=event,
                subject=event.subject,
                next_attempt_at=now,
                retry_until=now,
                status=WebhookDelivery.Status.DELIVERED,
            )
            for event in old
        )
        with connection.cursor() as cursor:  # what the statistics knew: none pending
            cursor.execute("ANALYZE events_outboxevent")
            cursor.execute("ANALYZE events_webhookdelivery")
        with transaction.atomic():
            for i in range(300):
                emit(TYPE, subject=f"funding/grant/{i}", data=_grant(i))
            transaction.get_connection().run_on_commit.clear()  # no wake-up: the test relays
        result = tasks.relay_council(schema=council_a.schema_name)
        pending = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING)
        assert result["delivered"] == 300 and pending.count() == 300
    last = plans[-1]
    quadratic = "Nested Loop Anti Join" in last and (
        "events_delivery_due on events_webhookdelivery u0" in last
        or "events_delivery_pending on events_webhookdelivery u0" in last
    )
    assert quadratic == (not analyze_after), last


@pytest.mark.parametrize("batch, analysed", [(100, True), (1000, False)])
def test_a_relay_run_analyses_only_while_it_works_through_a_backlog(
    council_a, settings, monkeypatch, batch, analysed
):
    """The run's ``ANALYZE`` is for a backlog (its batches come back full). A relay that keeps
    up with a steady stream (no batch full) is not paused for it: in the bench, 500 commits/s
    of one event, the pause held the events behind it for about a second (p95 1.1-1.2 s
    against 0.13 s without)."""
    from platform_core.events import outbox, tasks, webhooks

    calls = []
    monkeypatch.setattr(outbox, "analyze_outbox", lambda: calls.append("outbox"))
    monkeypatch.setattr(webhooks, "analyze_deliveries", lambda: calls.append("deliveries"))
    settings.EVENTS_ANALYZE_AFTER = 200
    settings.EVENTS_RELAY_BATCH = batch
    settings.EVENTS_RELAY_BATCH_MAX = batch
    settings.EVENTS_VALIDATE = False
    with schema_context(council_a.schema_name):
        with transaction.atomic():
            for i in range(300):
                emit(TYPE, subject=f"funding/grant/{i}", data=_grant(i))
            transaction.get_connection().run_on_commit.clear()  # no wake-up: the test relays
        result = tasks.relay_council(schema=council_a.schema_name)
    assert result["delivered"] == 300
    assert calls == (["outbox", "deliveries"] if analysed else []), calls
