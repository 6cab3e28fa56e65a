"""Provisioning: the warm pool, today's template clone, django-tenants' clone_schema and
migrations, side by side in one run.

1. Provision ``--present`` councils (default 100) by the clone path, so the database is not empty.
2. Then ``--runs`` rounds (default 20). Each round, in this order: the warm pool through the action,
   the command (``manage.py provision_council``) and the platform API (``POST
   /platform/api/v1/councils/``); the template clone path (``method="clone"``); django-tenants'
   own path (``method="tenants-clone"``: its PL/pgSQL ``clone_schema`` then a faked
   ``migrate_schemas``); and every ``--migrate-every`` rounds the migrations path. The pool is
   topped up between the measured calls, outside the timing (in production a worker refills it
   after each use, see tenants/pool.py), so every pool call finds a ready schema. The
   after-commit personalisation task (AFTER_COMMIT steps, tenants.personalise_council) is held
   and run between the measured calls too, and reported apart (a worker runs it in production).

Each provisioning is the whole thing: validation, council and domain rows, schema, Wagtail site
and home page, default groups, first administrator. Goals: pool p95 <= 100 ms (command and API),
>= 5x faster than the clone path. Run: ``make bench BENCH_ARGS=provisioning`` (``--quick``: 20
councils present, 6 rounds).
"""

import argparse
import io
import statistics
import time

from bench._setup import drop_database, fresh_database, percentile, summary

DB_NAME = "bench_provisioning"


def _spec(i: int) -> dict:
    return {
        "name": f"Bench Council {i}",
        "slug": f"bench-{i}",
        "gss_code": f"E06{900000 + i:06d}"[:9],
        "tier": "unitary",
        "admin_email": f"admin{i}@bench.example",
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench.provisioning")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--present", type=int)
    parser.add_argument("--runs", type=int)
    parser.add_argument("--migrate-every", type=int)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument(
        "--database",
        default=DB_NAME,
        help="the benchmark's database (dropped and created; two people benchmarking at once "
        "pick different names)",
    )
    args = parser.parse_args(argv)
    if not args.database.replace("_", "").isalnum():
        raise SystemExit(f"bench.provisioning: --database {args.database!r} is not a plain name")
    present = args.present if args.present is not None else (20 if args.quick else 100)
    runs = args.runs or (6 if args.quick else 20)
    migrate_every = args.migrate_every or (10 if args.quick else 5)

    fresh_database(args.database)
    import logging

    logging.disable(logging.INFO)  # council.provisioned lines would bury the figures
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from tenants import pool
    from tenants.actions import ensure_platform_tenant, provision_council
    from tenants.template import build_template

    settings.TENANT_WARM_POOL_SIZE = 1
    settings.TENANT_WARM_POOL_AUTO_REFILL = False  # refilled between measured calls, untimed

    # The AFTER_COMMIT steps (tenants.personalise_council) run on a worker in production; here
    # Celery is eager, so the task is held and run between the measured calls, timed apart.
    from tenants import tasks as tenant_tasks

    held: list[tuple] = []
    tenant_tasks.personalise_council.apply_async = lambda args=(), kwargs=None, **_: held.append(
        tuple(args)
    )
    after_commit_s: list[float] = []

    def run_held():
        while held:
            t = time.perf_counter()
            tenant_tasks.personalise_council.run(*held.pop(0))
            after_commit_s.append(time.perf_counter() - t)

    ensure_platform_tenant()
    t0 = time.perf_counter()
    build_template()
    print(f"template schema built (migrations, once per deploy): {time.perf_counter() - t0:.1f} s")

    started = time.perf_counter()
    for i in range(present):
        provision_council(**_spec(i), method="clone", notify=False)
        run_held()
    print(f"{present} councils present (clone path): {time.perf_counter() - started:.1f} s")

    operator = get_user_model().objects.create_user("bench@platform.example", is_staff=True)
    operator.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="tenants",
            codename__in=["view_council", "add_council", "change_council"],
        )
    )
    api = APIClient(HTTP_HOST=settings.PLATFORM_DOMAIN)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=operator).key}")

    def by_action(spec, method):
        result = provision_council(**spec, method=method, notify=False)
        assert result.method == ("pool" if method == "auto" else method), result.method

    def by_command(spec):
        call_command("provision_council", **{k: v for k, v in spec.items()}, stdout=io.StringIO())

    def by_api(spec):
        response = api.post("/platform/api/v1/councils/", spec, format="json")
        assert response.status_code == 201, response.content

    timings: dict[str, list[float]] = {
        "pool (action)": [],
        "pool (command)": [],
        "pool (API)": [],
        "clone path (today)": [],
        "django-tenants clone_schema": [],
        "migrations": [],
    }
    n = present
    refill_s = []

    def measure(label, fn, *fn_args):
        nonlocal n
        spec = _spec(n)
        n += 1
        t = time.perf_counter()
        fn(spec, *fn_args)
        timings[label].append(time.perf_counter() - t)
        run_held()

    def refill():
        t = time.perf_counter()
        made = pool.refill_pool()["made"]
        if made:
            refill_s.append((time.perf_counter() - t) / made)

    # Warm-up, not measured: the first request loads the URLconfs and middleware, the first
    # command its module.
    refill()
    by_command(_spec(n))
    refill()
    by_api(_spec(n + 1))
    n += 2
    run_held()

    for run in range(runs):
        refill()
        measure("pool (action)", by_action, "auto")
        refill()
        measure("pool (command)", by_command)
        refill()
        measure("pool (API)", by_api)
        measure("clone path (today)", by_action, "clone")
        measure("django-tenants clone_schema", by_action, "tenants-clone")
        if run % migrate_every == 0:
            measure("migrations", by_action, "migrate")
        print(f"  round {run + 1}/{runs} done", flush=True)

    clone_median = statistics.median(timings["clone path (today)"])
    print(f"with {present}+ councils present ({runs} rounds, side by side):")
    for label, values in timings.items():
        print(
            f"  {label:30s} {summary(values)}  "
            f"clone median / this median: {clone_median / statistics.median(values):.1f}x"
        )
    print(f"  pool refill, per schema (untimed above): {summary(refill_s)}")
    if after_commit_s:
        print(
            "  after-commit personalisation, per council (a worker's task, untimed above): "
            f"{summary(after_commit_s)}"
        )
    pool_all = timings["pool (action)"] + timings["pool (command)"] + timings["pool (API)"]
    print(
        "RESULT provisioning "
        f"present={present} runs={runs} "
        f"pool_p95_ms={percentile(pool_all, 95) * 1000:.0f} "
        f"pool_command_p95_ms={percentile(timings['pool (command)'], 95) * 1000:.0f} "
        f"pool_api_p95_ms={percentile(timings['pool (API)'], 95) * 1000:.0f} "
        f"clone_median_ms={clone_median * 1000:.0f} "
        f"tenants_clone_median_ms={statistics.median(timings['django-tenants clone_schema']) * 1000:.0f} "
        f"migrate_median_ms={statistics.median(timings['migrations']) * 1000:.0f} "
        f"clone_over_pool={clone_median / statistics.median(pool_all):.1f}x"
    )
    if not args.keep:
        drop_database(args.database)
