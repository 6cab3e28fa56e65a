"""The ORUK directory and market figures at size.

``python -m bench.run providers [--quick]`` (DJANGO_SETTINGS_MODULE=platform_core.settings.test).

A database of its own (``bench_providers``): one council, 10,000 services (``--quick``: 2,000)
from 200 organisations with 50,000 service-at-locations over 1,000 locations, 40 taxonomy terms
(each service has two), then:
- ``GET /openreferral/services?taxonomy_term_id=..&text=..`` through the full Django stack (test
  client on the council's domain), p50/p95 over 200 requests with varying terms and words, and
  the query count of a page of 10 and of 50 (the same);
- market figures for 200 markets (40 terms x 5 areas) from 24,000 imported spend lines over 4
  years, 400 ledger commitments of awarded commissions (two per market in 2025-26, one of them
  superseding an imported line), 2,000 provider capacity lines and a demand metric per market
  from the warehouse: ``commissioning.markets.actions.recompute()`` timed whole (best of 3),
  with its query count.

``--db NAME`` uses another database name (two people benchmarking at once).
"""

import random
import time
import uuid
from datetime import date

from bench._setup import drop_database, fresh_database, percentile

DB = "bench_providers"
WORDS = ["care", "support", "advice", "club", "group", "home", "day", "family", "money", "health"]


def _seed(services: int, per_service: int):
    from django.db import connection
    from django.db.models import Q  # noqa: F401

    from commissioning.providers.models import (
        Location,
        Organization,
        Service,
        ServiceAtLocation,
        ServiceTerm,
        Taxonomy,
        TaxonomyTerm,
    )

    rng = random.Random(7)
    taxonomy = Taxonomy.objects.create(name="Bench", description="Bench terms")
    terms = TaxonomyTerm.objects.bulk_create(
        TaxonomyTerm(taxonomy=taxonomy, name=f"Term {i}", description="t", code=str(i))
        for i in range(40)
    )
    orgs = Organization.objects.bulk_create(
        Organization(name=f"Provider {i}", description="p") for i in range(200)
    )
    locations = Location.objects.bulk_create(
        Location(
            name=f"Location {i}",
            latitude=round(51 + rng.random(), 6),
            longitude=round(-1 + rng.random(), 6),
        )
        for i in range(1000)
    )
    rows = []
    for i in range(services):
        a, b = rng.sample(WORDS, 2)
        rows.append(
            Service(
                id=uuid.UUID(int=i + 1),
                organization=orgs[i % len(orgs)],
                name=f"{a.title()} {b} service {i}",
                description=f"A {a} and {b} service.",
            )
        )
    Service.objects.bulk_create(rows, batch_size=5000)
    ServiceTerm.objects.bulk_create(
        (ServiceTerm(service_id=s.id, term=t) for s in rows for t in rng.sample(terms, 2)),
        batch_size=5000,
    )
    ServiceAtLocation.objects.bulk_create(
        (
            ServiceAtLocation(service_id=s.id, location=loc)
            for s in rows
            for loc in rng.sample(locations, per_service)
        ),
        batch_size=10000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return terms, orgs


def _bench_api(council, terms) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=council.primary_domain)
    rng = random.Random(11)
    timings = []
    for n in range(220):
        params = {"taxonomy_term_id": str(rng.choice(terms).id), "text": rng.choice(WORDS)}
        started = time.perf_counter()
        response = client.get("/openreferral/services", params)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.content[:200]
        if n >= 20:  # warm-up
            timings.append(elapsed * 1000)
    counts = []
    for per_page in (10, 50):
        with CaptureQueriesContext(connection) as ctx:
            client.get("/openreferral/services", {**params, "per_page": per_page})
        counts.append(len(ctx.captured_queries))
    print(
        f"  /openreferral/services filtered (taxonomy_term_id + text), {len(timings)} requests: "
        f"p50 {percentile(timings, 50):.1f} ms  p95 {percentile(timings, 95):.1f} ms; "
        f"queries per page of 10 / 50: {counts[0]} / {counts[1]}"
    )


def _bench_markets(terms, orgs) -> None:
    from commissioning.markets import actions

    rng = random.Random(5)
    areas = [f"E0600{n:04d}" for n in range(1, 6)]
    lines = ["provider,category,area,period,amount"]
    for term in terms:
        for area in areas:
            providers = rng.sample(orgs, 30)
            for year in range(2022, 2026):
                for org in providers:
                    lines.append(
                        f"{org.name},{term.code},{area},{year}-{(year + 1) % 100:02d},"
                        f"{rng.randint(1_000, 500_000)}.00"
                    )
    started = time.perf_counter()
    actions.import_spend("\n".join(lines) + "\n", filename="bench.csv")
    imported = time.perf_counter() - started
    commitments = _commitments(terms, orgs, areas, rng)
    capacity = _capacity(terms, orgs, areas, rng)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            count = actions.recompute()
            timings.append(time.perf_counter() - started)
    print(
        f"  markets: {count} markets, {len(lines) - 1} spend lines imported in {imported:.1f}s, "
        f"{commitments} commitments, {capacity} capacity lines; recompute of every market's "
        f"figures, supply and alerts: best {min(timings):.2f}s of {len(timings)} "
        f"({', '.join(f'{t:.2f}' for t in timings)}), {len(ctx.captured_queries)} queries"
    )


def _commitments(terms, orgs, areas, rng) -> int:
    """Two awarded commissions with ledger commitments per market in 2025-26: one for a provider
    with an imported line in that period (which it supersedes), one for another provider (rows
    made directly: the ledger's own actions are benchmarked in bench/commissioning.py)."""
    from decimal import Decimal

    from commissioning.commissions.models import Bid, Commission
    from commissioning.ledgers.models import Budget, Commissioner, Commitment
    from commissioning.markets.models import Spend

    commissioner = Commissioner.objects.create(name="Bench commissioner", kind="council_service")
    budget = Budget.objects.create(
        commissioner=commissioner, name="Bench", financial_year="2025-26"
    )
    imported = {}
    for term_id, area, org_id in Spend.objects.filter(period="2025-26").values_list(
        "market__term_id", "market__area_code", "organization_id"
    ):
        imported.setdefault((term_id, area), org_id)
    n = 0
    for term in terms:
        for area in areas:
            for org_id in (imported[(term.id, area)], rng.choice(orgs).id):
                n += 1
                amount = Decimal(rng.randint(10_000, 300_000))
                commitment = Commitment.objects.create(
                    budget=budget, amount=amount, description="bench", reference=f"bench/{n}"
                )
                commission = Commission.objects.create(
                    commissioner=commissioner,
                    budget=budget,
                    title=f"Bench {n}",
                    need="n",
                    category=term.code,
                    area_code=area,
                    estimated_value=amount,
                    ocid=f"ocds-bench-{n}",
                    stage="awarded",
                    commitment_id=commitment.pk,
                )
                bid = Bid.objects.create(
                    commission=commission,
                    organization_id=org_id,
                    submitted_by="bench",
                    price=amount,
                    proposal="p",
                )
                Commission.objects.filter(pk=commission.pk).update(awarded_bid=bid)
    return n


def _capacity(terms, orgs, areas, rng) -> int:
    """Ten providers' capacity per market (a capacity import) and a demand metric per market
    (warehouse values for each area and year)."""
    from commissioning.markets import actions
    from commissioning.markets.models import Market
    from intelligence.warehouse import actions as warehouse
    from intelligence.warehouse.models import Observation

    lines = ["provider,category,area,unit,capacity"]
    for term in terms:
        for area in areas:
            for org in rng.sample(orgs, 10):
                lines.append(f"{org.name},{term.code},{area},places,{rng.randint(5, 200)}")
    actions.import_capacity("\n".join(lines) + "\n", filename="bench-capacity.csv")
    metric = warehouse.save_or_update_metric(
        metric_id="bench-need",
        title="Bench need",
        kind="count",
        polarity="neither",
        unit="places",
        category="needs",
    )
    # Rows made directly: the warehouse's import takes only the council's own area and its wards.
    Observation.objects.bulk_create(
        Observation(
            metric=metric,
            area_code=area,
            period=f"{year}-{(year + 1) % 100:02d}",
            period_kind="year",
            period_start=date(year, 4, 1),
            value=rng.randint(500, 2500),
        )
        for area in areas
        for year in range(2022, 2026)
    )
    Market.objects.update(demand_metric_id="bench-need")
    return len(lines) - 1


def main(argv):
    global DB
    quick = "--quick" in argv
    if "--db" in argv:
        DB = argv[argv.index("--db") + 1]
    services = 2000 if quick else 10_000
    fresh_database(DB)
    from django_tenants.utils import schema_context

    from tenants.actions import ensure_platform_tenant, provision_council
    from tenants.template import build_template

    try:
        ensure_platform_tenant()
        build_template()
        council = provision_council(
            name="Benchfield Council",
            slug="benchfield",
            gss_code="E06000991",
            tier="unitary",
            admin_email="admin@benchfield.example",
            notify=False,
        ).council
        with schema_context(council.schema_name):
            started = time.perf_counter()
            terms, orgs = _seed(services, 5)
            print(
                f"  seeded {services} services, {services * 5} service-at-locations in "
                f"{time.perf_counter() - started:.1f}s"
            )
        _bench_api(council, terms)
        from django.apps import apps

        if apps.is_installed("commissioning.markets"):  # markets: not on main yet
            with schema_context(council.schema_name):
                _bench_markets(terms, orgs)
    finally:
        drop_database(DB)
