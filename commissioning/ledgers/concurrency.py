"""Many clients committing against budgets at once, each on its own database connection: used by
the concurrency test and by bench/commissioning.py. Runs in the current council's schema."""

import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import close_old_connections, connection
from django_tenants.utils import schema_context

from . import access, actions


@dataclass
class Run:
    clients: int
    attempts: int = 0
    committed: list[Decimal] = field(default_factory=list)
    refused: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return len(self.committed) / self.seconds if self.seconds else 0.0


def hammer(
    schema: str, budget_ids: list[int], *, clients: int, per_client: int, amount: Decimal
) -> Run:
    """``clients`` threads, each with its own connection, each making ``per_client`` commitments
    of ``amount`` (client i uses budget ``budget_ids[i % len(budget_ids)]``), all released by one
    barrier. Refusals (over budget) are counted, any other error kept."""
    run = Run(clients=clients)
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(index: int) -> None:
        budget_id = budget_ids[index % len(budget_ids)]
        try:
            with schema_context(schema):
                barrier.wait()
                for n in range(per_client):
                    try:
                        actions.commit(
                            f"client-{index}",
                            budget_id,
                            amount,
                            description=f"Concurrent commitment {index}/{n}",
                            reference=f"bench/{index}/{n}",
                        )
                        with lock:
                            run.attempts += 1
                            run.committed.append(amount)
                    except actions.OverBudget:
                        with lock:
                            run.attempts += 1
                            run.refused += 1
        except Exception as exc:  # noqa: BLE001 - reported to the caller
            with lock:
                run.errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    close_old_connections()
    return run


def proof(budget_ids: list[int]) -> dict:
    """What the run left behind: balances, the sum of the commitments, the ledger check."""
    from django.db.models import Sum

    from .models import Budget, Commitment

    budgets = list(Budget.objects.filter(pk__in=budget_ids))
    return {
        "allocated": sum((b.allocated for b in budgets), Decimal(0)),
        "available": sum((b.available for b in budgets), Decimal(0)),
        "committed": sum((b.committed for b in budgets), Decimal(0)),
        "commitments": Commitment.objects.filter(budget_id__in=budget_ids).count(),
        "commitment_total": Commitment.objects.filter(budget_id__in=budget_ids).aggregate(
            t=Sum("amount")
        )["t"]
        or Decimal(0),
        "overspent": [b.pk for b in budgets if b.available < 0 or b.committed > b.allocated],
        "problems": access.ledger_problems(budget_ids),
    }
