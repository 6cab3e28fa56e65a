"""Benchmarking API latency against a naive per-schema baseline, and warehouse import throughput.

``python -m bench.run benchmarking [--quick]`` (DJANGO_SETTINGS_MODULE=platform_core.settings.test).

It uses a database of its own (``DATABASE_URL`` with the name replaced by ``bench_intel``):
migrates the shared apps, fills the pool with ``seed_pool`` (400 councils x 50 metrics x 10
years; ``--quick``: 120 x 12 x 5), and gives every pool council a bare schema holding only the
warehouse tables (metrics and observations) with its own raw values for the compared metrics.

Figures, side by side in one run:
- ``compare`` and ``values`` through the full Django stack (test client on the platform domain:
  middleware, tenant routing, DRF, throttling, ETag) - p50/p95;
- the naive baseline: the same comparison computed at request time by reading each council's own
  schema (one query per council), applying disclosure control and the same statistics. It is
  timed as a plain function call, without the Django stack, so the ratio is conservative;
- import of valid rows with ``import_observations`` (whole-file validation + COPY) against the
  ORM's ``bulk_create`` of the same rows.
"""

import os
import random
import statistics
import time


def _pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _fmt(ms_list):
    return f"p50 {_pct(ms_list, 0.5):7.2f} ms  p95 {_pct(ms_list, 0.95):7.2f} ms"


def _bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cp_intel")
    return url.rsplit("/", 1)[0] + "/bench_intel"


def _ensure_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup(quick: bool):
    url = _bench_database_url()
    os.environ["DATABASE_URL"] = url
    _ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    from tenants.actions import ensure_platform_tenant

    started = time.perf_counter()
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_platform_tenant()
    print(f"database {url.rsplit('/', 1)[1]} migrated in {time.perf_counter() - started:.1f}s")


def seed(quick: bool) -> dict:
    from django_tenants.utils import schema_context

    from intelligence.benchmarking.seeding import seed_pool

    size = (120, 12, 5) if quick else (400, 50, 10)
    started = time.perf_counter()
    with schema_context("public"):
        result = seed_pool(councils=size[0], metrics=size[1], years=size[2])
    print(
        f"pool: {result['members']} councils x {result['metrics']} metrics x {size[2]} years = "
        f"{result['values']} values, seeded in {time.perf_counter() - started:.1f}s"
    )
    return result


def build_naive_schemas(metric_ids: list[str]) -> dict[int, str]:
    """A bare schema per pool council with the warehouse tables and its raw values."""
    from django.db import connection
    from django_tenants.utils import schema_context

    from intelligence.benchmarking.models import PoolMember, PoolValue
    from intelligence.warehouse.models import Metric, Observation

    started = time.perf_counter()
    members = list(PoolMember.objects.order_by("pk"))
    rows: dict[int, list] = {}
    for (
        member_id,
        metric_id,
        period,
        start,
        value,
        numerator,
        denominator,
    ) in PoolValue.objects.filter(metric__metric_id__in=metric_ids).values_list(
        "member_id",
        "metric__metric_id",
        "period",
        "period_start",
        "value",
        "numerator",
        "denominator",
    ):
        # The raw value behind the published one (suppressed cells get a small raw count).
        if value is None:  # a suppressed cell: a small raw count behind it
            value, numerator, denominator = 5.0, 3.0, 5.0
        rows.setdefault(member_id, []).append(
            (metric_id, period, start, value, numerator, denominator)
        )
    schemas = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bn\\_%%'")
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP SCHEMA "{name}" CASCADE')
    metric_table = Metric._meta.db_table
    for member in members:
        schema = f"bn_{member.pk}"
        schemas[member.pk] = schema
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
        with schema_context(schema), connection.schema_editor() as editor:
            editor.create_model(Metric)
            editor.create_model(Observation)
        with connection.cursor() as cursor:
            for n, metric_id in enumerate(metric_ids):
                cursor.execute(
                    f'INSERT INTO "{schema}".{metric_table} (id, metric_id, title, description, '
                    "unit, polarity, kind, category, source, lginform_id, shared, pool_metric, "
                    "created_at) VALUES (%s, %s, %s, '', '', 'higher', 'rate', 'performance', '', "
                    "'', true, %s, now())",
                    [n + 1, metric_id, metric_id, metric_id],
                )
            ids = {m: n + 1 for n, m in enumerate(metric_ids)}
            with cursor.cursor.copy(
                f'COPY "{schema}".warehouse_observation (metric_id, area_code, period, period_kind, '
                "period_start, value, numerator, denominator) FROM STDIN"
            ) as copy:
                for metric_id, period, start, value, numerator, denominator in rows.get(
                    member.pk, []
                ):
                    copy.write_row(
                        (
                            ids[metric_id],
                            member.gss_code,
                            period,
                            "year",
                            start,
                            value,
                            numerator,
                            denominator,
                        )
                    )
    print(
        f"naive baseline: {len(members)} council schemas built in {time.perf_counter() - started:.1f}s"
    )
    return schemas


def naive_compare(metric_id: str, gss_code: str, period: str, schemas: dict[int, str]) -> dict:
    """What a platform without the pool would do: ask every council's schema at request time."""
    from django.db import connection

    from intelligence.benchmarking.disclosure import protect
    from intelligence.benchmarking.models import PoolMember, PoolMetric
    from intelligence.benchmarking.stats import compare

    metric = PoolMetric.objects.get(metric_id=metric_id)
    members = list(PoolMember.objects.order_by("pk").values_list("pk", "gss_code"))
    values = []
    own = None
    with connection.cursor() as cursor:
        for pk, code in members:
            schema = schemas[pk]
            cursor.execute(
                f'SELECT o.value, o.numerator, o.denominator FROM "{schema}".warehouse_observation o '
                f'JOIN "{schema}".warehouse_metric m ON m.id = o.metric_id '
                "WHERE m.metric_id = %s AND m.shared AND o.area_code = %s AND o.period = %s",
                [metric_id, code, period],
            )
            row = cursor.fetchone()
            if row is None:
                continue
            cell = protect(metric.kind, *row)
            if not cell.suppressed and cell.value is not None:
                values.append(cell.value)
                if code == gss_code:
                    own = cell.value
    return compare(own, values, metric.polarity, len(members)).__dict__


def bench_api(quick: bool, schemas: dict[int, str], metric_ids: list[str]):
    from django.conf import settings
    from django.test import Client
    from rest_framework.settings import api_settings

    from intelligence.benchmarking.api.auth import PoolRateThrottle
    from intelligence.benchmarking.models import PoolMember

    # Measure the stack, not the anonymous rate limit (the throttle itself still runs).
    PoolRateThrottle.THROTTLE_RATES = {
        **api_settings.DEFAULT_THROTTLE_RATES,
        "anon": "100000000/min",
    }
    rng = random.Random(11)
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    codes = list(PoolMember.objects.values_list("gss_code", flat=True))
    period = "2025-26"
    n = 150 if quick else 600
    for _ in range(20):  # warm up connections and caches of code paths
        client.get(
            f"/api/v1/benchmarks/metrics/{metric_ids[0]}/compare/{codes[0]}/?period={period}"
        )

    def timed(url):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return elapsed

    results = {}
    for group in ("all", "tier", "region", "nearest"):
        results[f"compare group={group}"] = [
            timed(
                f"/api/v1/benchmarks/metrics/{rng.choice(metric_ids)}/compare/{rng.choice(codes)}/"
                f"?period={period}&group={group}"
            )
            for _ in range(n // 4)
        ]
    results["compare (all groups)"] = [t for k, v in results.items() for t in v]
    # No period: the default is the latest period most of the group shares (one pass over the
    # metric's (period, member) pairs, cached per pool version for anonymous readers).
    results["compare default period"] = [
        timed(
            f"/api/v1/benchmarks/metrics/{rng.choice(metric_ids)}/compare/{rng.choice(codes)}/"
            f"?group={rng.choice(['all', 'tier', 'region', 'nearest'])}"
        )
        for _ in range(n // 4)
    ]
    results["values page (50)"] = [
        timed(f"/api/v1/benchmarks/metrics/{rng.choice(metric_ids)}/values/?period={period}")
        for _ in range(n // 2)
    ]
    results["values csv (all)"] = [
        timed(
            f"/api/v1/benchmarks/metrics/{rng.choice(metric_ids)}/values/?period={period}&format=csv"
        )
        for _ in range(n // 4)
    ]
    results["series"] = [
        timed(f"/api/v1/benchmarks/metrics/{rng.choice(metric_ids)}/series/{rng.choice(codes)}/")
        for _ in range(n // 4)
    ]
    naive = []
    for _ in range(30 if quick else 60):
        started = time.perf_counter()
        naive_compare(rng.choice(metric_ids), rng.choice(codes), period, schemas)
        naive.append((time.perf_counter() - started) * 1000)
    # The same answer both ways (a check that the baseline computes the same thing).
    code = codes[3]
    pool = client.get(
        f"/api/v1/benchmarks/metrics/{metric_ids[0]}/compare/{code}/?period={period}"
    ).json()
    base = naive_compare(metric_ids[0], code, period, schemas)
    same = (pool["rank"], pool["values_count"], round(pool["median"] or 0, 6)) == (
        base["rank"],
        base["values_count"],
        round(base["median"] or 0, 6),
    )
    print(f"\nAPI latency through the Django stack ({len(codes)} councils in the pool):")
    for name, times in results.items():
        print(f"  {name:24s} {_fmt(times)}  (n={len(times)})")
    print(
        f"  {'naive compare (baseline)':24s} {_fmt(naive)}  (n={len(naive)}, one query per council schema)"
    )
    compare_all = results["compare group=all"]
    every = results["compare (all groups)"]
    print(
        f"  compare vs naive, group=all: {statistics.median(naive) / statistics.median(compare_all):.0f}x "
        f"faster at p50, {_pct(naive, 0.95) / _pct(compare_all, 0.95):.0f}x at p95"
    )
    print(
        f"  compare (all groups) p95 {_pct(every, 0.95):.2f} ms (goal <= 30 ms): "
        f"{'met' if _pct(every, 0.95) <= 30 else 'NOT met'}; same answer as baseline: {same}"
    )


def bench_import(quick: bool):
    from django.db import connection
    from django_tenants.utils import schema_context

    from intelligence.warehouse.actions import import_observations, save_metric
    from intelligence.warehouse.models import ImportBatch, Metric, Observation

    schema = "bn_import"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        cursor.execute(f'CREATE SCHEMA "{schema}"')
    rows_n = 100_000 if quick else 500_000
    baseline_n = 20_000 if quick else 50_000
    with schema_context(schema):
        with connection.schema_editor() as editor:
            for model in (Metric, Observation, ImportBatch):
                editor.create_model(model)
        metrics = [save_metric(metric_id=f"m{i}", title=f"M{i}", kind="rate") for i in range(50)]
        wards = [f"E05{n:06d}" for n in range(rows_n // (50 * 10) + 1)]
        lines = ["metric_id,area_code,period,value,numerator,denominator"]
        periods = [f"{y}-{(y + 1) % 100:02d}" for y in range(2016, 2026)]
        count = 0
        for metric in metrics:
            for ward in wards:
                for period in periods:
                    if count == rows_n:
                        break
                    lines.append(
                        f"{metric.metric_id},{ward},{period},{count % 997 / 10},{count % 97},{100 + count % 50}"
                    )
                    count += 1
        text = "\n".join(lines) + "\n"
        started = time.perf_counter()
        result = import_observations(text, council_code="E06000001")
        elapsed = time.perf_counter() - started
        assert result.rows == rows_n
        # Baseline: the ORM's bulk_create of the same (already validated) rows.
        from platform_core.periods import parse_period

        Observation.objects.all().delete()
        objs = []
        for line in lines[1 : baseline_n + 1]:
            metric_id, area, period, value, numerator, denominator = line.split(",")
            p = parse_period(period)
            objs.append(
                Observation(
                    metric_id=metrics[int(metric_id[1:])].pk,
                    area_code=area,
                    period=period,
                    period_kind=p.kind,
                    period_start=p.start,
                    value=float(value),
                    numerator=float(numerator),
                    denominator=float(denominator),
                )
            )
        started = time.perf_counter()
        Observation.objects.bulk_create(objs, batch_size=5000)
        baseline = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
    rate = rows_n / elapsed
    base_rate = baseline_n / baseline
    print(
        f"\nImport of valid rows: {rows_n:,} rows in {elapsed:.2f}s = {rate:,.0f} rows/s "
        f"(validation + COPY; goal >= 100,000 rows/s: {'met' if rate >= 100_000 else 'NOT met'})"
    )
    print(
        f"  baseline ORM bulk_create (insert only, no validation): {base_rate:,.0f} rows/s; "
        f"import is {rate / base_rate:.1f}x"
    )


def main(argv):
    quick = "--quick" in argv
    setup(quick)
    from django_tenants.utils import schema_context

    with schema_context("public"):
        result = seed(quick)
        from intelligence.benchmarking.models import PoolMetric

        metric_ids = list(
            PoolMetric.objects.filter(synthetic=True, is_context=False)
            .order_by("metric_id")
            .values_list("metric_id", flat=True)[:4]
        )
        schemas = build_naive_schemas(metric_ids)
        bench_api(quick, schemas, metric_ids)
    bench_import(quick)
    del result
