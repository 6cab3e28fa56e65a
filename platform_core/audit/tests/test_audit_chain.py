import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context

from platform_core.audit.log import GENESIS, append, export_entries, verify_chain
from platform_core.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _three_entries():
    return [
        append("thing.created", object_type="test.thing", object_id=str(i), detail={"n": i})
        for i in range(3)
    ]


def test_each_entry_carries_the_hash_of_the_previous_one(council_a):
    with schema_context(council_a.schema_name):
        first, second, third = _three_entries()
        assert first.prev_hash == GENESIS
        assert second.prev_hash == first.hash and third.prev_hash == second.hash
        assert verify_chain().ok and verify_chain().checked == 3


def test_tampering_with_an_audit_row_is_detected_and_named(council_a, capsys):
    with schema_context(council_a.schema_name):
        _, second, _ = _three_entries()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditentry SET detail = '{\"n\": 99}' WHERE seq = %s", [second.seq]
            )
        report = verify_chain()
    assert not report.ok and report.broken_seq == second.seq
    with pytest.raises(
        CommandError, match=f"broken at entry #{second.seq}: content does not match"
    ):
        call_command("verify_audit", "--council", council_a.slug)


def test_a_deleted_audit_row_is_detected(council_a):
    with schema_context(council_a.schema_name):
        _, second, _ = _three_entries()
        AuditEntry.objects.filter(seq=second.seq).delete()
        report = verify_chain()
    assert (report.ok, report.broken_seq, report.reason) == (
        False,
        second.seq,
        "entry missing from the chain",
    )


def test_a_rehashed_row_breaks_the_link_to_the_next(council_a):
    from platform_core.audit.log import entry_hash

    with schema_context(council_a.schema_name):
        _, second, third = _three_entries()
        second.detail = {"n": 42}
        second.hash = entry_hash(second)
        second.save()
        report = verify_chain()
    assert (report.ok, report.broken_seq) == (False, third.seq)


def test_verify_audit_command_reports_an_intact_chain(council_a, capsys):
    with schema_context(council_a.schema_name):
        _three_entries()
    call_command("verify_audit", "--council", council_a.slug)
    assert "verified: 3 entries intact" in capsys.readouterr().out


def test_each_council_has_its_own_chain(council_a, council_b):
    with schema_context(council_a.schema_name):
        _three_entries()
    with schema_context(council_b.schema_name):
        entry = append("thing.created", object_type="test.thing", object_id="b")
        assert entry.seq == 1 and entry.prev_hash == GENESIS
        assert export_entries("test.thing", "0") == []
