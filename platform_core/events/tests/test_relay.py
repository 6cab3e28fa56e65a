"""The relay: order per subject, idempotent handlers, retries with backoff, dead letter,
replay, and SKIP LOCKED between concurrent relays."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from platform_core.events import emit
from platform_core.events.models import OutboxEvent, ProcessedEvent
from platform_core.events.relay import backoff, relay_pending, replay

from .conftest import TYPE, event_data


def _emit(subject, record=1):
    # No wake-up: these tests run the relay themselves.
    with transaction.atomic():
        event = emit(TYPE, subject=subject, data=event_data(record=record))
        transaction.get_connection().run_on_commit.clear()
    return event


def _make_due():
    OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).update(
        next_attempt_at=timezone.now()
    )


@pytest.mark.django_db
def test_events_are_delivered_in_order_per_subject_and_a_failure_holds_back_only_its_subject(
    council_a, only_handlers
):
    seen, fail_once = [], {1}

    def flaky(event):
        if event["data"]["record"] in fail_once:
            fail_once.discard(event["data"]["record"])
            raise RuntimeError("not yet")
        seen.append((event["subject"], event["data"]["record"]))

    only_handlers(flaky)
    with schema_context(council_a.schema_name):
        _emit("s/1", record=1)
        _emit("s/1", record=2)
        _emit("s/2", record=3)
        assert relay_pending() == {"delivered": 1, "failed": 1}
        assert seen == [("s/2", 3)]  # s/1's second event waits for its first
        first = OutboxEvent.objects.get(data__record=1)
        assert first.attempts == 1 and "not yet" in first.last_error
        assert first.next_attempt_at > timezone.now()
        assert relay_pending() == {"delivered": 0, "failed": 0}  # backing off
        _make_due()
        assert relay_pending() == {"delivered": 2, "failed": 0}
        assert seen == [("s/2", 3), ("s/1", 1), ("s/1", 2)]
        assert not OutboxEvent.objects.exclude(status=OutboxEvent.Status.DELIVERED).exists()


@pytest.mark.django_db
def test_a_handler_that_succeeded_is_not_run_again_when_another_fails(council_a, only_handlers):
    calls = {"good": 0, "bad": 0}

    def good(event):
        calls["good"] += 1

    def bad(event):
        calls["bad"] += 1
        if calls["bad"] == 1:
            raise RuntimeError("first time")

    only_handlers(good, bad)
    with schema_context(council_a.schema_name):
        event = _emit("s/1")
        relay_pending()
        _make_due()
        relay_pending()
        assert calls == {"good": 1, "bad": 2}
        assert ProcessedEvent.objects.filter(event_id=event["id"]).count() == 2
        assert OutboxEvent.objects.get().status == OutboxEvent.Status.DELIVERED


@pytest.mark.django_db
def test_a_poison_event_is_dead_lettered_after_n_attempts_and_replay_delivers_it(
    council_a, only_handlers, settings
):
    settings.EVENTS_MAX_ATTEMPTS = 3
    broken = {"on": True}
    seen = []

    def handler(event):
        if broken["on"] and event["data"]["record"] == 1:
            raise ValueError("poison")
        seen.append(event["data"]["record"])

    only_handlers(handler)
    with schema_context(council_a.schema_name):
        _emit("s/1", record=1)
        _emit("s/1", record=2)
        for _ in range(3):
            _make_due()
            relay_pending()
        poison = OutboxEvent.objects.get(data__record=1)
        assert poison.status == OutboxEvent.Status.DEAD and poison.attempts == 3
        assert "ValueError: poison" in poison.last_error
        assert seen == [2]  # the dead letter no longer holds back its subject
        broken["on"] = False
        replay(poison)
        assert relay_pending() == {"delivered": 1, "failed": 0}
        assert seen == [2, 1]


def test_backoff_grows_exponentially_with_jitter_and_a_cap(settings):
    settings.EVENTS_RETRY_BASE_SECONDS = 4
    settings.EVENTS_RETRY_MAX_SECONDS = 60
    for attempts, delay in [(1, 4), (2, 8), (3, 16), (10, 60)]:
        for _ in range(20):
            assert delay / 2 <= backoff(attempts).total_seconds() <= delay


@pytest.fixture
def committed_events(django_db_setup, django_db_blocker):
    """Two committed events in council A (so another connection can lock one); removed after."""
    from tenants.models import Council

    with django_db_blocker.unblock():
        council = Council.objects.get(slug="alphaford")
        with schema_context(council.schema_name):
            now = timezone.now()
            rows = [
                OutboxEvent.objects.create(
                    type=TYPE,
                    subject=f"s/{n}",
                    source=f"/councils/{council.schema_name}",
                    time=now,
                    next_attempt_at=now - timedelta(seconds=1),
                    data=event_data(record=n),
                )
                for n in (1, 2)
            ]
        try:
            yield council, rows
        finally:
            with schema_context(council.schema_name):
                ids = [r.event_id for r in rows]
                ProcessedEvent.objects.filter(event_id__in=ids).delete()
                OutboxEvent.objects.filter(event_id__in=ids).delete()


def test_two_relays_never_deliver_the_same_event(
    committed_events, django_db_blocker, only_handlers
):
    """Another relay holds event 1's row lock (SELECT ... FOR UPDATE in its own transaction):
    this relay skips it, delivers event 2, and delivers event 1 once the lock is gone."""
    import psycopg
    from django.db import connection

    council, (locked, free) = committed_events
    seen = []
    only_handlers(lambda event: seen.append(event["data"]["record"]))
    settings_dict = connection.settings_dict
    other = psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict.get("USER") or "postgres",
        host=settings_dict.get("HOST") or "127.0.0.1",
        port=settings_dict.get("PORT") or 5432,
        autocommit=False,
    )
    try:
        other.execute(f'SET search_path TO "{council.schema_name}"')
        other.execute("SELECT id FROM events_outboxevent WHERE id = %s FOR UPDATE", [locked.pk])
        with django_db_blocker.unblock(), schema_context(council.schema_name):
            assert relay_pending() == {"delivered": 1, "failed": 0}
            assert seen == [2]
            other.rollback()  # the other relay lets go
            assert relay_pending() == {"delivered": 1, "failed": 0}
            assert seen == [2, 1]
            assert ProcessedEvent.objects.filter(event_id=locked.event_id).count() == 1
    finally:
        other.close()
