"""Provisioning: the template-clone path against the migrations path, side by side.

1. Provision councils by the clone path until ``--present`` (default 400) exist, timing the whole
   run (goal: 400 councils in under 3 minutes) and each council.
2. With those councils present, alternate migrations-path and clone-path provisionings
   (``--migrate-runs`` and ``--clone-runs``) and print both medians and the ratio
   (goal: clone median <= 0.3 s and >= 15x faster).

Each provisioning is the whole thing: council and domain rows, schema, Wagtail site and home
page, default groups, first administrator. Run: ``make bench BENCH_ARGS=provisioning``
(``--quick``: 100 councils, fewer runs).
"""

import argparse
import statistics
import time

from bench._setup import drop_database, fresh_database, summary

DB_NAME = "bench_provisioning"


def _spec(i: int) -> dict:
    return {
        "name": f"Bench Council {i}",
        "slug": f"bench-{i}",
        "gss_code": f"E06{900000 + i:06d}"[:9],
        "tier": "unitary",
        "admin_email": f"admin{i}@bench.example",
        "notify": False,
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench.provisioning")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--present", type=int)
    parser.add_argument("--clone-runs", type=int)
    parser.add_argument("--migrate-runs", type=int)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args(argv)
    present = args.present or (100 if args.quick else 400)
    clone_runs = args.clone_runs or (10 if args.quick else 20)
    migrate_runs = args.migrate_runs or (2 if args.quick else 5)

    fresh_database(DB_NAME)
    from tenants.actions import ensure_platform_tenant, provision_council
    from tenants.template import build_template

    ensure_platform_tenant()
    t0 = time.perf_counter()
    build_template()
    print(f"template schema built (migrations, once per deploy): {time.perf_counter() - t0:.1f} s")

    timings = []
    started = time.perf_counter()
    for i in range(present):
        t = time.perf_counter()
        provision_council(**_spec(i))
        timings.append(time.perf_counter() - t)
        if (i + 1) % 50 == 0:
            print(
                f"  {i + 1}/{present} councils, {time.perf_counter() - started:.1f} s so far",
                flush=True,
            )
    bulk_total = time.perf_counter() - started
    print(f"{present} councils by the clone path: {bulk_total:.1f} s in all ({summary(timings)})")

    clone, migrate = [], []
    n = present
    for run in range(max(clone_runs, migrate_runs)):
        if run < migrate_runs:
            t = time.perf_counter()
            provision_council(**_spec(n), method="migrate")
            migrate.append(time.perf_counter() - t)
            n += 1
        per_round = max(1, clone_runs // max(1, migrate_runs))
        for _ in range(per_round if run < migrate_runs else 1):
            if len(clone) >= clone_runs:
                break
            t = time.perf_counter()
            provision_council(**_spec(n))
            clone.append(time.perf_counter() - t)
            n += 1
    ratio = statistics.median(migrate) / statistics.median(clone)
    print(f"with {present}+ councils present:")
    print(f"  migrations path: {summary(migrate)}")
    print(f"  clone path:      {summary(clone)}")
    print(f"  ratio (migrations median / clone median): {ratio:.1f}x")
    print(
        f"RESULT provisioning present={present} bulk_total_s={bulk_total:.1f} "
        f"clone_median_ms={statistics.median(clone) * 1000:.0f} "
        f"migrate_median_ms={statistics.median(migrate) * 1000:.0f} ratio={ratio:.1f}"
    )
    if not args.keep:
        drop_database(DB_NAME)
