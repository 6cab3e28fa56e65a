"""20 clients commit against one budget at once, on their own database connections (real
PostgreSQL row locks, committed data): no overspend, nothing lost. The data is committed (other
connections must see it) and deleted afterwards."""

import threading
from decimal import Decimal

from django.db import connection
from django_tenants.utils import schema_context

from commissioning.ledgers import actions
from commissioning.ledgers.concurrency import hammer, proof


def _committed(fn):
    out, errors = [], []

    def run():
        try:
            out.append(fn())
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return out[0]


def test_twenty_concurrent_clients_never_overspend_and_lose_nothing(db, council_a):
    from platform_core.audit.models import AuditEntry
    from platform_core.events.models import OutboxEvent

    schema = council_a.schema_name

    def setup():
        with schema_context(schema):
            marks = (
                AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0,
                OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0,
            )
            commissioner = actions.create_commissioner(
                "test", name="Concurrency ward", kind="ward_councillor"
            )
            budget = actions.create_budget(
                "test", commissioner, name="Concurrency", financial_year="2026-27"
            )
            actions.allocate("test", budget, "1000.00")
            return marks, commissioner.pk, budget.pk

    def cleanup():
        from commissioning.ledgers.models import (
            Budget,
            Commissioner,
            Commitment,
            LedgerEntry,
            LedgerTransaction,
        )

        with schema_context(schema):
            LedgerEntry.objects.filter(budget_id=budget_id).delete()
            LedgerTransaction.objects.filter(budget_id=budget_id).delete()
            Commitment.objects.filter(budget_id=budget_id).delete()
            Budget.objects.filter(pk=budget_id).delete()
            Commissioner.objects.filter(pk=commissioner_id).delete()
            AuditEntry.objects.filter(seq__gt=marks[0]).delete()
            OutboxEvent.objects.filter(id__gt=marks[1]).delete()

    marks, commissioner_id, budget_id = _committed(setup)
    try:
        # 20 clients x 10 attempts x £7 = £1,400 asked of £1,000: exactly 142 fit (£994).
        run = hammer(schema, [budget_id], clients=20, per_client=10, amount=Decimal("7.00"))
        assert run.errors == []
        assert run.attempts == 200
        assert len(run.committed) == 142 and run.refused == 58

        def check():
            with schema_context(schema):
                return proof([budget_id])

        result = _committed(check)
        assert result["overspent"] == []
        assert result["problems"] == []
        assert result["committed"] == result["commitment_total"] == Decimal("994.00")
        assert result["commitments"] == 142
        assert result["available"] == Decimal("6.00")
    finally:
        _committed(cleanup)
