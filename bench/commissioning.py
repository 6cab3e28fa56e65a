"""Commissioning benchmark: budget commitments under 20 concurrent clients, and OCDS packages.

``python -m bench.run commissioning [--per-client N] [--releases N] [--reuse]``
(DJANGO_SETTINGS_MODULE=platform_core.settings.test; ``make bench BENCH_ARGS="commissioning"``).

Runs in a council of its own in its own database (``bench_commissioning``, next to
DATABASE_URL; ``--reuse`` keeps an existing one instead of migrating afresh).

1. Commitments: 20 client threads, each on its own PostgreSQL connection, each making
   ``--per-client`` commitments of £7 through ``commissioning.ledgers.actions.commit`` (row lock,
   two balanced entries, audit entry, event), released together by a barrier.
   a. against ONE budget allocated less than the clients ask for (oversubscribed by 40%);
   b. against MANY budgets (one per client), also oversubscribed.
   Figures: attempts/s and commitments/s; the proof: the commitments that fit were made and the
   rest refused, nothing overspent, the sum of the commitments equals the committed balance,
   ``ledger_problems()`` empty. Baseline, side by side: the check-then-write a developer would
   write first (read the balance, compare, write the commitment, subtract with an F expression;
   no row lock), on the same budgets: its speed and how much it overspends.
2. OCDS: a release package of ``--releases`` (5,000) releases generated from a real commission
   that went through every stage (its seven stored releases, re-identified per process), then
   validated against the official OCDS 1.1 schema and codelists; time for each.
"""

import copy
import json
import os
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "bench_commissioning"
SLUG = "commbench"
CLIENTS = 20
AMOUNT = Decimal("7.00")


def _database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return base.rsplit("/", 1)[0] + "/" + BENCH_DB


def _database(url: str, reuse: bool) -> None:
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if exists and reuse:
            return
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def _council():
    from django.core.management import call_command

    from tenants.actions import provision_council
    from tenants.models import Council

    call_command("migrate_platform", verbosity=0)
    if not Council.objects.filter(slug=SLUG).exists():
        provision_council(
            name="Commbench Council",
            slug=SLUG,
            gss_code="E06000997",
            tier="unitary",
            region="north-west",
            admin_email="admin@commbench.example",
            notify=False,
        )
    return Council.objects.get(slug=SLUG)


def _budgets(n: int, allocation: Decimal, label: str) -> list[int]:
    from commissioning.ledgers import actions

    commissioner = actions.create_commissioner(
        "bench", name=f"Bench {label} {time.time_ns()}", kind="council_service"
    )
    ids = []
    for i in range(n):
        budget = actions.create_budget(
            "bench", commissioner, name=f"{label} {i}", financial_year="2026-27"
        )
        actions.allocate("bench", budget, allocation)
        ids.append(budget.pk)
    return ids


def naive_hammer(schema: str, budget_ids: list[int], *, clients: int, per_client: int) -> dict:
    """The baseline: available = allocation - sum of commitments; check, then insert; no lock."""
    from django.db import connection, transaction
    from django.db.models import Sum
    from django_tenants.utils import schema_context

    from commissioning.ledgers.models import Budget, Commitment

    made, refused, errors = [], [], []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(index: int) -> None:
        budget_id = budget_ids[index % len(budget_ids)]
        try:
            with schema_context(schema):
                barrier.wait()
                for n in range(per_client):
                    with transaction.atomic():
                        # available = allocation - what is already committed (no row lock)
                        allocated = Budget.objects.values_list("allocated", flat=True).get(
                            pk=budget_id
                        )
                        used = Commitment.objects.filter(budget_id=budget_id).aggregate(
                            t=Sum("amount")
                        )["t"] or Decimal(0)
                        if allocated - used < AMOUNT:
                            with lock:
                                refused.append(1)
                            continue
                        Commitment.objects.create(
                            budget_id=budget_id, amount=AMOUNT, description=f"naive {index}/{n}"
                        )
                        with lock:
                            made.append(1)
        except Exception as exc:  # noqa: BLE001 - reported
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    return {"made": len(made), "refused": len(refused), "errors": errors, "seconds": seconds}


def commitments(council, per_client: int) -> dict:
    from django.db.models import Sum
    from django_tenants.utils import schema_context

    from commissioning.ledgers.concurrency import hammer, proof
    from commissioning.ledgers.models import Commitment

    schema = council.schema_name
    asked = AMOUNT * per_client * CLIENTS
    out = {}
    for label, n_budgets in (("one budget", 1), ("many budgets", CLIENTS)):
        allocation = (asked / Decimal("1.4") / n_budgets).quantize(Decimal("1"))
        with schema_context(schema):
            ids = _budgets(n_budgets, allocation, label)
        run = hammer(schema, ids, clients=CLIENTS, per_client=per_client, amount=AMOUNT)
        with schema_context(schema):
            result = proof(ids)
        fits = sum(int(allocation // AMOUNT) for _ in ids)
        out[label] = {
            "budgets": n_budgets,
            "allocated": str(result["allocated"]),
            "asked": str(asked),
            "attempts": run.attempts,
            "committed_n": len(run.committed),
            "expected_n": fits,
            "refused": run.refused,
            "errors": run.errors,
            "seconds": round(run.seconds, 2),
            "attempts_per_s": round(run.attempts / run.seconds, 1),
            "commitments_per_s": round(run.per_second, 1),
            "overspent_budgets": result["overspent"],
            "committed_equals_commitments": result["committed"] == result["commitment_total"],
            "ledger_problems": result["problems"],
        }
        # Baseline on fresh budgets of the same size.
        with schema_context(schema):
            ids = _budgets(n_budgets, allocation, f"naive {label}")
        naive = naive_hammer(schema, ids, clients=CLIENTS, per_client=per_client)
        with schema_context(schema):
            total = Commitment.objects.filter(budget_id__in=ids).aggregate(t=Sum("amount"))["t"]
        out[label]["baseline_check_then_write"] = {
            "commitments_per_s": round(naive["made"] / naive["seconds"], 1),
            "made": naive["made"],
            "committed_total": str(total),
            "overspend": str(max(Decimal(0), (total or 0) - allocation * n_budgets)),
            "errors": naive["errors"][:3],
        }
    return out


def ocds_package(council, n_releases: int) -> dict:
    from datetime import date, timedelta

    from django.utils import timezone
    from django_tenants.utils import schema_context

    from commissioning.commissions import actions, ocds
    from commissioning.commissions.models import Commission
    from commissioning.ledgers import actions as ledger
    from commissioning.providers.models import Organization

    with schema_context(council.schema_name):
        commissioner = ledger.create_commissioner(
            "bench", name=f"OCDS bench {time.time_ns()}", kind="council_service"
        )
        budget = ledger.create_budget("bench", commissioner, name="OCDS", financial_year="2026-27")
        ledger.allocate("bench", budget, "100000")
        org = Organization.objects.create(name="Bench provider", description="bench")
        c = actions.create_commission(
            "bench",
            commissioner=commissioner,
            budget=budget,
            title="Bench commission",
            need="Bench need",
            estimated_value="10000",
            category="Home care",
        )
        actions.set_criteria("bench", c, [{"name": "Quality", "weight": 100}])
        actions.publish_opportunity("bench", c, deadline=timezone.now() + timedelta(days=1))
        actions.submit_bid("bench", c, organization=org, price="9000", proposal="bench")
        Commission.objects.filter(pk=c.pk).update(
            tender_deadline=timezone.now() - timedelta(seconds=1)
        )
        c.refresh_from_db()
        c = actions.close_bidding("bench", c)
        c = actions.award("bench", c, organization=org, reasons="bench")
        contract = actions.start_contract(
            "bench",
            c,
            start_date=date(2026, 4, 1),
            end_date=date(2027, 3, 31),
            milestones=[{"title": "Live", "due_date": date(2026, 4, 1)}],
        )
        actions.submit_return("bench", contract, period="2026-Q1", values={}, amount_invoiced="100")
        actions.record_outcome("bench", c, outcome="bench", rating=3)
        stages = list(c.releases.order_by("date", "id").values_list("data", flat=True))
        t0 = time.perf_counter()
        releases = []
        for n in range(n_releases):
            release = copy.deepcopy(stages[n % len(stages)])
            ocid = f"{ocds.ocid_prefix()}-{SLUG}-{n // len(stages):06d}"
            release["ocid"] = ocid
            release["id"] = f"{ocid}-{n % len(stages):02d}"
            releases.append(release)
        package = ocds.release_package(releases, "https://commbench.example/api/v1/ocds/releases/")
        body = json.dumps(package)
        generate_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        errors = ocds.validate_package(json.loads(body))
        validate_s = time.perf_counter() - t0
    return {
        "releases": len(releases),
        "bytes": len(body),
        "generate_s": round(generate_s, 2),
        "validate_s": round(validate_s, 2),
        "errors": errors[:5],
        "valid": not errors,
    }


def main(argv):
    def option(name, default):
        return int(argv[argv.index(name) + 1]) if name in argv else default

    per_client = option("--per-client", 50)
    n_releases = option("--releases", 5000)
    url = _database_url()
    _database(url, "--reuse" in argv)
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    council = _council()
    print(f"-- commitments: {CLIENTS} clients x {per_client} x £{AMOUNT}")
    print(json.dumps(commitments(council, per_client), indent=1))
    print(f"-- OCDS release package of {n_releases:,} releases")
    print(json.dumps(ocds_package(council, n_releases), indent=1))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings.test")
    sys.path.insert(0, str(ROOT))
    main(sys.argv[1:])
