"""Record content is deleted after the commit that destroys the record (an outbox event and its
records handler), never inside the transaction: a rollback leaves the content in the store."""

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from platform_core.events.models import OutboxEvent, ProcessedEvent
from platform_core.events.relay import relay_pending
from records import actions, storage
from records.models import Record

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def _key(council, record):
    with schema_context(council.schema_name):
        return f"{council.schema_name}/private/{record.versions.get().storage_key}"


def _exists(s3, key):
    listing = s3.list_object_versions(Bucket=s3.bucket, Prefix=key)
    return bool(listing.get("Versions"))


def test_a_destruction_that_rolls_back_leaves_the_content_in_the_store(
    council_a, file_plan_a, declare, s3, django_capture_on_commit_callbacks
):
    record = declare(council_a, file_plan_a["minutes"])  # due today
    key = _key(council_a, record)
    with schema_context(council_a.schema_name):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(Boom), transaction.atomic():
                actions.destroy_record("rm", record, reason="due")
                raise Boom  # a later step of the same transaction fails
        assert callbacks == []
        assert Record.objects.get(pk=record.pk).status != Record.Status.DESTROYED
        assert not OutboxEvent.objects.filter(type="records.record.destroyed").exists()
    assert _exists(s3, key)  # on the old code the object was already gone here

    with schema_context(council_a.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            actions.destroy_record("rm", Record.objects.get(pk=record.pk), reason="due")
        event = OutboxEvent.objects.get(type="records.record.destroyed")
        assert event.type == "records.record.destroyed"
        assert event.status == OutboxEvent.Status.DELIVERED
        assert event.subject == f"records/record/{record.uid}"
        assert event.data["versions"][0]["version"] == 1
        assert (
            ProcessedEvent.objects.filter(
                event_id=event.event_id, handler__endswith="delete_destroyed_content"
            ).count()
            == 1
        )
    assert not _exists(s3, key)


def test_with_the_store_down_the_rows_commit_and_the_deletion_completes_when_it_returns(
    council_a, file_plan_a, declare, s3, monkeypatch, django_capture_on_commit_callbacks
):
    record = declare(council_a, file_plan_a["minutes"])
    key = _key(council_a, record)
    real_delete = storage.delete_content

    def store_down(name):
        raise storage.StorageUnavailable("S3 unreachable")

    monkeypatch.setattr(storage, "delete_content", store_down)
    with schema_context(council_a.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            actions.destroy_record("rm", record, reason="due")
        assert Record.objects.get(pk=record.pk).status == Record.Status.DESTROYED
        event = OutboxEvent.objects.get(type="records.record.destroyed")
        assert event.status == OutboxEvent.Status.PENDING and event.attempts == 1
        assert "StorageUnavailable" in event.last_error
    assert _exists(s3, key)  # to be deleted, not lost: the event is still pending

    monkeypatch.setattr(storage, "delete_content", real_delete)
    with schema_context(council_a.schema_name):
        OutboxEvent.objects.filter(type="records.record.destroyed").update(
            next_attempt_at=event.time
        )  # the backoff has passed
        assert relay_pending() == {"delivered": 1, "failed": 0}
        # Delivered twice (a relay crashed before its commit): a missing object is done.
        from records.event_handlers import delete_destroyed_content

        delete_destroyed_content({"data": {"record": record.pk}})
    assert not _exists(s3, key)


def test_the_event_and_its_deletion_stay_in_the_destroying_council(
    council_a, council_b, file_plan_a, declare, s3, django_capture_on_commit_callbacks
):
    from records.conftest import upload
    from records.tests.files import make_pdf

    record_a = declare(council_a, file_plan_a["minutes"])
    with schema_context(council_b.schema_name):
        plan_b = actions.create_class(
            "setup",
            code="GOV-01",
            title="Minutes",
            trigger="creation",
            period_months=0,
            action="destroy",
        )
        record_b = actions.declare_record(
            "tester", upload=upload("b.pdf", make_pdf()), title="B", file_class=plan_b
        )
        key_b = _key(council_b, record_b)
    with schema_context(council_a.schema_name), django_capture_on_commit_callbacks(execute=True):
        actions.destroy_record("rm", record_a, reason="due")
    assert not _exists(s3, _key(council_a, record_a))
    assert _exists(s3, key_b)
    with schema_context(council_b.schema_name):
        assert not OutboxEvent.objects.filter(type="records.record.destroyed").exists()
        assert Record.objects.get(pk=record_b.pk).status != Record.Status.DESTROYED
