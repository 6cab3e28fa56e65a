"""Fleet migrations: one new tenant migration on ``--councils`` councils (default 400), django-tenants'
executors against ours (tenants/fleet.py), side by side in one run.

Set-up: the template is migrated, then one tenant migration (``--migration``, default
``audit.0002_pendingauditentry``: one CreateModel) is rolled back in it, and the councils are
copies of that template (council and domain rows, schemas; no site personalisation, which
migrations do not touch). The database is then copied (``CREATE DATABASE ... TEMPLATE``), so each
executor gets the same 400 councils each one migration behind:

- database 1: django-tenants' ``standard`` executor (the whole ``migrate`` command per schema, one
  process) and its ``multiprocessing`` executor (``TENANT_MULTIPROCESSING_MAX_PROCESSES`` = 2), each
  on a sample of ``--sample`` councils (default 20; each is timed per council and extrapolated to
  the whole fleet, because a full run takes too long here);
- database 2: ``tenants.fleet.migrate_fleet`` on every council with ``--workers`` processes
  (default 2), timed in full.

Goal: 400 councils in <= 2 minutes on 2 cores. Run: ``make bench BENCH_ARGS=migrations``
(``--quick``: 100 councils, sample 10).
"""

import argparse
import os
import time

from bench._setup import drop_database, fresh_database

DB_NAME = "bench_migrations"
DB_COPY = "bench_migrations_fleet"


def _switch_database(name: str) -> None:
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    settings.DATABASES["default"]["NAME"] = name
    base, _, _ = os.environ["DATABASE_URL"].rpartition("/")
    os.environ["DATABASE_URL"] = f"{base}/{name}"


def _copy_database(source: str, target: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    base, _, _ = os.environ["DATABASE_URL"].rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def _tenants_executor(codename: str, schemas: list[str]) -> None:
    from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
    from django_tenants.migration_executors import get_executor

    parser = MigrateSchemasCommand().create_parser("manage.py", "migrate_schemas")
    options = vars(parser.parse_args(["--noinput", "--verbosity", "0", "--skip-checks"]))
    get_executor(codename)([], options).run_migrations(tenants=list(schemas))


def _applied(schema: str, app: str, name: str) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM "{schema}".django_migrations WHERE app = %s AND name = %s',  # noqa: S608
            [app, name],
        )
        return bool(cursor.fetchone()[0])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench.migrations")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--councils", type=int)
    parser.add_argument("--sample", type=int)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--migration", default="audit.0002_pendingauditentry")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    args = parser.parse_args(argv)
    total = args.councils or (100 if args.quick else 400)
    sample = args.sample or (10 if args.quick else 20)
    app, name = args.migration.split(".", 1)

    fresh_database(DB_NAME)
    import logging

    logging.disable(logging.INFO)
    from django.conf import settings
    from django.db import connection, transaction
    from django.db.migrations.executor import MigrationExecutor
    from django_tenants.utils import schema_context

    from tenants import cloning
    from tenants.actions import council_domain, ensure_platform_tenant
    from tenants.fleet import migrate_fleet
    from tenants.models import Council, Domain
    from tenants.template import build_template, template_schema

    settings.TENANT_WARM_POOL_SIZE = 0
    ensure_platform_tenant()
    t = time.perf_counter()
    build_template()
    with schema_context(template_schema()):
        executor = MigrationExecutor(connection)
        previous = [key for key in executor.loader.graph.leaf_nodes() if key[0] == app]
        parents = executor.loader.graph.node_map[(app, name)].parents
        assert previous == [(app, name)], f"{args.migration} is not the leaf of {app}"
        executor.migrate([parent.key for parent in parents if parent.key[0] == app])
    assert not _applied(template_schema(), app, name)
    print(f"template migrated, then {args.migration} rolled back: {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    schemas = []
    for i in range(total):
        slug = f"fleet-{i}"
        with transaction.atomic():
            council = Council.objects.create(
                name=f"Fleet Council {i}",
                slug=slug,
                gss_code=f"E06{800000 + i:06d}"[:9],
                tier="unitary",
                schema_name=Council.schema_name_for(slug),
            )
            Domain.objects.create(domain=council_domain(slug), tenant=council, is_primary=True)
            cloning.clone_schema(template_schema(), council.schema_name)
        schemas.append(council.schema_name)
        if (i + 1) % 50 == 0:
            print(f"  {i + 1}/{total} councils copied", flush=True)
    print(f"{total} councils one migration behind: {time.perf_counter() - t:.1f} s")
    _copy_database(DB_NAME, DB_COPY)

    # Database 1: django-tenants' executors on a sample, extrapolated.
    _switch_database(DB_NAME)
    rates = {}
    for codename, part in (
        ("standard", schemas[:sample]),
        ("multiprocessing", schemas[sample : 2 * sample]),
    ):
        t = time.perf_counter()
        _tenants_executor(codename, part)
        seconds = time.perf_counter() - t
        connection.close()
        assert all(_applied(schema, app, name) for schema in part), codename
        rates[codename] = seconds / len(part)
        print(
            f"django-tenants {codename:15s} {len(part)} councils in {seconds:.1f} s: "
            f"{rates[codename] * 1000:.0f} ms per council, {total} councils ~ "
            f"{rates[codename] * total:.0f} s (extrapolated)",
            flush=True,
        )

    # Database 2: ours, on every council.
    _switch_database(DB_COPY)
    result = migrate_fleet(
        schemas, workers=args.workers, report=lambda line: print("  " + line, flush=True)
    )
    assert result.ok, result.failed
    assert all(_applied(schema, app, name) for schema in schemas)
    fleet_rate = result.seconds / total
    print(
        f"fleet ({args.workers} workers)              {total} councils in {result.seconds:.1f} s: "
        f"{fleet_rate * 1000:.0f} ms per council"
    )
    print(
        "RESULT migrations "
        f"councils={total} fleet_s={result.seconds:.1f} "
        f"standard_s_extrapolated={rates['standard'] * total:.0f} "
        f"multiprocessing_s_extrapolated={rates['multiprocessing'] * total:.0f} "
        f"standard_over_fleet={rates['standard'] / fleet_rate:.1f}x "
        f"multiprocessing_over_fleet={rates['multiprocessing'] / fleet_rate:.1f}x"
    )
    if not args.keep:
        drop_database(DB_COPY)
        _switch_database(DB_NAME)
        drop_database(DB_NAME)
