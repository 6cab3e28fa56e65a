"""A refused attempt leaves its audit entry even when the caller's transaction rolls back.

These tests commit for real (a rolled-back test transaction could not show what survives a
rollback), in council A's schema, and delete exactly what they wrote afterwards.
"""

import uuid

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from platform_core.errors import Refused

REFUSED = {"reason": "The record is already destroyed (metadata stub)."}


class CallerFailed(Exception):
    pass


@pytest.fixture
def committed(django_db_setup, django_db_blocker, settings):
    """Council A with a destroyed record and an open transaction-free connection; autonomous
    audit writes on (the test settings turn them off for ordinary, rolled-back tests)."""
    from platform_core.audit.models import AuditEntry, PendingAuditEntry
    from records.models import FilePlanClass, Record
    from tenants.models import Council

    settings.AUDIT_AUTONOMOUS_WRITES = True
    with django_db_blocker.unblock():
        council = Council.objects.get(slug="alphaford")
        with schema_context(council.schema_name):
            last_seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
            file_class = FilePlanClass.objects.create(
                code=f"DUR-{uuid.uuid4().hex[:6]}",
                title="Durable refusals",
                trigger="creation",
                period_months=0,
                action="destroy",
            )
            record = Record.objects.create(
                title="Already destroyed", file_class=file_class, status=Record.Status.DESTROYED
            )
        try:
            yield council, record
        finally:
            with schema_context(council.schema_name):
                AuditEntry.objects.filter(seq__gt=last_seq or 0).delete()
                PendingAuditEntry.objects.all().delete()
                Record.objects.filter(pk=record.pk).delete()
                FilePlanClass.objects.filter(pk=file_class.pk).delete()


def _refusals(record):
    from platform_core.audit.models import AuditEntry

    return list(
        AuditEntry.objects.filter(
            action="record.destroy.refused", object_id=str(record.pk)
        ).values_list("detail", flat=True)
    )


def test_a_refusal_inside_a_failing_outer_transaction_keeps_its_audit_entry(committed):
    from platform_core.audit.log import verify_chain
    from records import actions

    council, record = committed
    with schema_context(council.schema_name):
        with pytest.raises(CallerFailed), transaction.atomic():
            with pytest.raises(Refused):
                actions.destroy_record("clerk", record, reason="tidy up")
            raise CallerFailed("the caller's own work fails after the refusal")
        assert _refusals(record) == [REFUSED]
        assert verify_chain().ok


def test_a_refusal_after_the_caller_appended_waits_then_joins_the_chain(committed):
    """The caller's transaction holds the audit lock (it appended first): the refusal cannot be
    chained yet, so it is kept, committed, and chained by the next append."""
    from platform_core.audit.log import append, verify_chain
    from platform_core.audit.models import PendingAuditEntry
    from records import actions

    council, record = committed
    with schema_context(council.schema_name):
        with pytest.raises(CallerFailed), transaction.atomic():
            append("caller.step", object_type="test.thing", object_id="1")
            with pytest.raises(Refused):
                actions.destroy_record("clerk", record)
            raise CallerFailed
        assert PendingAuditEntry.objects.count() == 1
        assert _refusals(record) == []
        entry = append("caller.retry", object_type="test.thing", object_id="1")
        assert PendingAuditEntry.objects.count() == 0
        assert _refusals(record) == [REFUSED]
        assert entry.prev_hash != "0" * 64 and verify_chain().ok


def test_a_refusal_in_a_committed_outer_transaction_is_chained_once(committed):
    from platform_core.audit.log import append, verify_chain
    from records import actions

    council, record = committed
    with schema_context(council.schema_name):
        with transaction.atomic():
            with pytest.raises(Refused):
                actions.destroy_record("clerk", record)
            append("caller.after", object_type="test.thing", object_id="2")
        assert len(_refusals(record)) == 1
        assert verify_chain().ok


@pytest.mark.django_db
def test_with_autonomous_writes_off_the_refusal_is_written_in_the_callers_transaction(
    council_a, file_plan_a, declare, in_council
):
    """The test suite's setting: the entry is part of the (test's) transaction. This test also
    makes pytest-django set the test database up when this module runs alone."""
    from records import actions

    record = declare(council_a, file_plan_a["policy"])
    with in_council(council_a):
        with pytest.raises(Refused):
            actions.destroy_record("clerk", record)
        refusals = _refusals(record)
    assert len(refusals) == 1 and "permanently" in refusals[0]["reason"]
