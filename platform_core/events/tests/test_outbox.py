"""The outbox: events are rows in the caller's transaction, CloudEvents 1.0, woken on commit."""

import logging

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from platform_core.events import catalogue, emit
from platform_core.events.models import OutboxEvent
from platform_core.events.outbox import _Wake, validate

from .conftest import TYPE, event_data

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_emit_writes_a_cloudevent_row_in_the_council_schema(
    council_a, council_b, only_handlers, django_capture_on_commit_callbacks
):
    only_handlers()
    with schema_context(council_a.schema_name):
        with django_capture_on_commit_callbacks(execute=False):
            event = emit(TYPE, subject="records/record/x", data=event_data())
        row = OutboxEvent.objects.get()
    validate(event)  # the envelope and the type's data schema
    assert event["specversion"] == "1.0"
    assert event["id"] == str(row.event_id)
    assert event["council"] == council_a.schema_name
    assert event["source"] == f"/councils/{council_a.schema_name}"
    assert event["dataschema"] == "urn:council-platform:events:records.record.destroyed:v1"
    assert event["time"].endswith("Z") and event["datacontenttype"] == "application/json"
    assert row.status == OutboxEvent.Status.PENDING
    with schema_context(council_b.schema_name):
        assert not OutboxEvent.objects.exists()  # council B's outbox is its own


def test_an_uncatalogued_type_or_invalid_data_is_refused(council_a):
    import jsonschema

    with schema_context(council_a.schema_name):
        with pytest.raises(LookupError, match="not in the catalogue"):
            emit("records.record.vanished", subject="s", data={})
        with pytest.raises(jsonschema.ValidationError), transaction.atomic():
            emit(TYPE, subject="s", data=event_data(record="seven"))
        assert not OutboxEvent.objects.exists()


def test_public_schema_cannot_emit_council_events(db):
    with pytest.raises(RuntimeError, match="council"):
        emit(TYPE, subject="s", data=event_data())


def test_a_rolled_back_transaction_publishes_nothing(council_a, django_capture_on_commit_callbacks):
    with schema_context(council_a.schema_name):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(Boom), transaction.atomic():
                emit(TYPE, subject="records/record/x", data=event_data())
                raise Boom
        assert callbacks == []  # no wake-up for the relay
        assert not OutboxEvent.objects.exists()


def test_one_wake_up_per_transaction_and_council(council_a, django_capture_on_commit_callbacks):
    with schema_context(council_a.schema_name):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            with transaction.atomic():
                for n in range(3):
                    emit(TYPE, subject=f"records/record/{n}", data=event_data())
    wakes = [c for c in callbacks if isinstance(c, _Wake)]
    assert len(wakes) == 1 and wakes[0].schema == council_a.schema_name


def test_a_failed_enqueue_never_undoes_the_commit_and_the_sweep_delivers(
    council_a, only_handlers, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from platform_core.events import tasks

    seen = []
    only_handlers(lambda event: seen.append(event["id"]))

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.relay_council, "apply_async", broker_down)
    with schema_context(council_a.schema_name):
        with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
            event = emit(TYPE, subject="records/record/x", data=event_data())
        assert "could not wake the relay" in caplog.text
        assert OutboxEvent.objects.get().status == OutboxEvent.Status.PENDING
    assert seen == []
    result = tasks.relay_all()  # the beat sweep, from the public schema
    assert result[council_a.schema_name]["delivered"] == 1
    assert result[council_a.schema_name]["failed"] == 0
    assert seen == [event["id"]]


def test_the_wake_up_runs_the_relay_for_the_emitting_council(
    council_a, only_handlers, django_capture_on_commit_callbacks
):
    seen = []
    only_handlers(lambda event: seen.append(event["council"]))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with schema_context(council_a.schema_name):
            emit(TYPE, subject="records/record/x", data=event_data())
        # committed from the public schema: the wake-up still names council A
    with schema_context(council_a.schema_name):
        assert OutboxEvent.objects.get().status == OutboxEvent.Status.DELIVERED
    assert seen == [council_a.schema_name]


def test_the_catalogue_holds_valid_versioned_schemas():
    import jsonschema

    types = catalogue()
    assert TYPE in [t.type for t in types]
    for t in types:
        jsonschema.Draft202012Validator.check_schema(t.schema)
        assert t.version >= 1 and t.dataschema.endswith(f":v{t.version}")
