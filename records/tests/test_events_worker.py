"""Record content deletion through the events relay in a real Celery worker (a subprocess on
Redis DB 4 with a queue of its own): the process that committed the destruction never woke the
relay (as if it died right after the commit); the worker's relay still deletes the content."""

import time
import uuid

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tenants.utils import schema_context

from records.conftest import upload
from records.tests.test_worker import BROKER, TIMEOUT, worker  # noqa: F401 - the worker fixture


@pytest.mark.django_db
def test_relay_tasks_are_registered_under_stable_names():
    """Also makes pytest-django create the test database when this module runs alone."""
    import platform_core.events.tasks  # noqa: F401 - what the worker's autodiscovery imports
    from platform_core.celery import app

    assert "events.relay_council" in app.tasks
    assert "events.relay_all" in app.tasks
    assert app.conf.beat_schedule["events-relay-all-councils"]["task"] == "events.relay_all"


@pytest.fixture
def committed_due_record(django_db_setup, django_db_blocker):
    from platform_core.audit.models import AuditEntry
    from platform_core.events.models import OutboxEvent, ProcessedEvent
    from records import storage
    from records.models import FilePlanClass, Record, RecordVersion
    from records.models.records import storage_name
    from tenants.models import Council

    with django_db_blocker.unblock():
        council = Council.objects.get(slug="alphaford")
        with schema_context(council.schema_name):
            last_seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
            last_event = OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first()
            file_class = FilePlanClass.objects.create(
                code=f"EVT-{uuid.uuid4().hex[:6]}",
                title="Events worker test",
                trigger="creation",
                period_months=0,
                action="destroy",
            )
            record = Record.objects.create(
                title="Events worker test",
                file_class=file_class,
                disposal_due=timezone.localdate(),
            )
            key = storage_name()
            storage.save_content(key, upload("minutes.txt", b"minutes"))
            RecordVersion.objects.create(
                record=record,
                number=1,
                storage_key=key,
                original_name="minutes.txt",
                sha256="0" * 64,
                size=7,
                content_type="text/plain",
            )
        try:
            yield council, record, key
        finally:
            with schema_context(council.schema_name):
                events = OutboxEvent.objects.filter(id__gt=last_event or 0)
                ProcessedEvent.objects.filter(
                    event_id__in=events.values_list("event_id", flat=True)
                ).delete()
                events.delete()
                RecordVersion.objects.filter(record=record).delete()
                Record.objects.filter(pk=record.pk).delete()
                FilePlanClass.objects.filter(pk=file_class.pk).delete()
                AuditEntry.objects.filter(seq__gt=last_seq or 0).delete()
                if default_storage.exists(key):
                    default_storage.delete(key)


def test_a_worker_relay_deletes_content_committed_for_deletion_by_a_process_that_died(
    committed_due_record,
    worker,  # noqa: F811
    django_db_blocker,
    monkeypatch,
):
    from platform_core.celery import app
    from platform_core.events import outbox
    from platform_core.events.models import OutboxEvent, ProcessedEvent
    from platform_core.events.tasks import relay_council
    from records import actions

    council, record, key = committed_due_record
    # The process "dies" after the commit: no wake-up is ever sent.
    monkeypatch.setattr(outbox._Wake, "__call__", lambda self: None)
    with django_db_blocker.unblock(), schema_context(council.schema_name):
        actions.destroy_record("rm", record, reason="due")  # autocommit: committed here
        event = OutboxEvent.objects.get(subject=f"records/record/{record.uid}")
        assert event.status == OutboxEvent.Status.PENDING
        assert default_storage.exists(key)  # nothing deleted inside the transaction

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with (
            django_db_blocker.unblock(),
            schema_context(council.schema_name),
            app.connection_for_write(BROKER) as conn,
        ):
            # What the beat sweep or the next wake-up sends: the worker relays the council.
            relay_council.apply_async(
                kwargs={"schema": council.schema_name}, queue=worker, connection=conn
            )
            deadline = time.monotonic() + TIMEOUT
            while time.monotonic() < deadline:
                event.refresh_from_db()
                if event.status != OutboxEvent.Status.PENDING:
                    break
                time.sleep(0.5)
            assert event.status == OutboxEvent.Status.DELIVERED, event.last_error
            assert not default_storage.exists(key)
            assert (
                ProcessedEvent.objects.filter(
                    event_id=event.event_id, handler__endswith="delete_destroyed_content"
                ).count()
                == 1
            )
    finally:
        app.conf.task_always_eager = saved
