"""Fleet migrations: one new tenant migration on ``--councils`` councils (default 400), django-tenants'
executors against ours (tenants/fleet.py), side by side in one run, on the same councils.

Set-up (once; ``--reuse`` keeps it for the next run): the template is migrated, the SQL that takes
back one tenant migration (``--migration``, default ``audit.0002_pendingauditentry``: one
CreateModel) is collected from it, and that SQL is run in the template, with the migration's
``django_migrations`` row and the content types (and their permissions and grants) of the models
it creates deleted, as if the release that adds it were new. The councils are copies of that
template: their council and domain rows are created in bulk, and their schemas by replaying the
platform's clone script (tenants/cloning.py) on two connections at once (no site
personalisation, which migrations do not touch).

Each run then, on the same database:

- django-tenants' ``standard`` executor (the whole ``migrate`` command per schema, one process) and
  its ``multiprocessing`` executor (``TENANT_MULTIPROCESSING_MAX_PROCESSES`` = 2) migrate a sample
  of ``--sample`` councils each (default 10; timed and extrapolated to the whole fleet, because a
  full run takes too long here);
- the sampled councils are put back one migration behind ("reset": the collected SQL, the row, the
  content types), and ``tenants.fleet.migrate_fleet`` migrates every council with ``--workers``
  processes (default 2), timed in full;
- every council is reset again, so the database is ready for the next run.

Goal: 400 councils in <= 2 minutes on 2 cores. Run: ``make bench BENCH_ARGS="migrations --reuse"``
(the first run builds the councils; later ones start at once). ``--quick``: 100 councils, sample 5.
"""

import argparse
import hashlib
import os
import threading
import time

from bench._setup import drop_database, fresh_database

DB_NAME = "bench_migrations"
BATCH = 10  # council schemas per transaction when putting them back one migration behind


def _admin_url() -> str:
    base, _, _ = os.environ["DATABASE_URL"].rpartition("/")
    return f"{base}/postgres"


def _database_exists(name: str) -> bool:
    import psycopg

    if "DATABASE_URL" not in os.environ:  # the embedded server: no reuse
        return False
    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def _use_existing_database(name: str) -> None:
    base, _, _ = os.environ["DATABASE_URL"].rpartition("/")
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings.test")
    import django

    django.setup()


def _tenants_executor(codename: str, schemas: list[str]) -> None:
    from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
    from django_tenants.migration_executors import get_executor

    parser = MigrateSchemasCommand().create_parser("manage.py", "migrate_schemas")
    options = vars(parser.parse_args(["--noinput", "--verbosity", "0", "--skip-checks"]))
    get_executor(codename)([], options).run_migrations(tenants=list(schemas))


def _applied(schemas: list[str], app: str, name: str) -> set[str]:
    """The schemas among ``schemas`` where ``app.name`` is applied (one query)."""
    from django.db import connection

    found: set[str] = set()
    with connection.cursor() as cursor:
        for i in range(0, len(schemas), 200):
            part = schemas[i : i + 200]
            sql = " UNION ALL ".join(
                f"SELECT '{s}' FROM \"{s}\".django_migrations WHERE app = %s AND name = %s"  # noqa: S608
                for s in part
            )
            cursor.execute(sql, [app, name] * len(part))
            found |= {row[0] for row in cursor.fetchall()}
    return found


def _setup_key(total: int, migration: str) -> str:
    from tenants.fleet import fleet_target

    return hashlib.sha256(f"{total}|{migration}|{fleet_target()}".encode()).hexdigest()[:16]


def _ready(key: str) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.bench_migrations_setup')")
        if cursor.fetchone()[0] is None:
            return False
        cursor.execute("SELECT key FROM public.bench_migrations_setup")
        row = cursor.fetchone()
        return bool(row and row[0] == key)


def _reset_sql(app: str, name: str) -> tuple[str, list[str]]:
    """The SQL that takes ``app.name`` back in a schema (collected from the template, where it is
    applied), and the models it creates (whose content types a reset deletes)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.operations import CreateModel
    from django_tenants.utils import schema_context

    from tenants.template import template_schema

    with schema_context(template_schema()):
        executor = MigrationExecutor(connection)
        migration = executor.loader.graph.nodes[(app, name)]
        assert (app, name) in executor.loader.graph.leaf_nodes(), f"{app}.{name} is not a leaf"
        statements = executor.loader.collect_sql([(migration, True)])
    sql = "\n".join(line for line in statements if not line.startswith("--"))
    models = [op.name.lower() for op in migration.operations if isinstance(op, CreateModel)]
    return sql, models


def _reset(schemas: list[str], app: str, name: str, sql: str, models: list[str]) -> None:
    """Put ``schemas`` back one migration behind, ``BATCH`` schemas per transaction."""
    from django.db import connection, transaction

    types = (
        "SELECT id FROM django_content_type WHERE app_label = %(app)s AND model = ANY(%(models)s)"
    )
    permissions = f"SELECT id FROM auth_permission WHERE content_type_id IN ({types})"
    cleanup = [
        f"DELETE FROM auth_group_permissions WHERE permission_id IN ({permissions})",
        f"DELETE FROM auth_user_user_permissions WHERE permission_id IN ({permissions})",
        f"DELETE FROM auth_permission WHERE content_type_id IN ({types})",
        "DELETE FROM django_content_type WHERE app_label = %(app)s AND model = ANY(%(models)s)",
        "DELETE FROM django_migrations WHERE app = %(app)s AND name = %(name)s",
    ]
    for i in range(0, len(schemas), BATCH):
        with transaction.atomic(), connection.cursor() as cursor:
            for schema in schemas[i : i + BATCH]:
                cursor.execute(f'SET LOCAL search_path TO "{schema}"')
                if sql:
                    cursor.execute(sql)
                for statement in cleanup:
                    cursor.execute(statement, {"app": app, "name": name, "models": models})
        connection.set_schema_to_public()
    from tenants.models import FleetMigration

    FleetMigration.objects.filter(schema_name__in=schemas).delete()


def _build(total: int, app: str, name: str, key: str) -> None:
    from django.conf import settings
    from django.db import connection, transaction

    from tenants import cloning
    from tenants.actions import council_domain, ensure_platform_tenant
    from tenants.models import Council, Domain
    from tenants.template import build_template, template_schema

    settings.TENANT_WARM_POOL_SIZE = 0
    ensure_platform_tenant()
    t = time.perf_counter()
    build_template()
    sql, models = _reset_sql(app, name)
    _reset([template_schema()], app, name, sql, models)
    assert not _applied([template_schema()], app, name)
    print(f"template migrated, then {app}.{name} taken back: {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    with transaction.atomic():
        councils = Council.objects.bulk_create(
            Council(
                name=f"Fleet Council {i}",
                slug=f"fleet-{i}",
                gss_code=f"E06{800000 + i:06d}"[:9],
                tier="unitary",
                schema_name=Council.schema_name_for(f"fleet-{i}"),
            )
            for i in range(total)
        )
        Domain.objects.bulk_create(
            Domain(domain=council_domain(c.slug), tenant=c, is_primary=True) for c in councils
        )
    schemas = [c.schema_name for c in councils]
    script = cloning.clone_script(template_schema()).sql
    done = [0]
    errors: list[BaseException] = []
    lock = threading.Lock()

    def clone(part: list[str]) -> None:
        import psycopg

        try:
            with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
                for schema in part:
                    # One schema per transaction: a copy takes a lock per relation (about a
                    # thousand), and the server's lock table is shared with everyone.
                    with conn.transaction():
                        conn.execute(f'CREATE SCHEMA "{schema}"')
                        conn.execute(f'SET LOCAL search_path TO "{schema}"')
                        conn.execute(script)
                    with lock:
                        done[0] += 1
                        if done[0] % 50 == 0:
                            print(f"  {done[0]}/{total} council schemas copied", flush=True)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=clone, args=(schemas[k::2],)) for k in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE public.bench_migrations_setup (key text, reset_sql text, models text[])"
        )
        cursor.execute(
            "INSERT INTO public.bench_migrations_setup VALUES (%s, %s, %s)", [key, sql, models]
        )
    print(f"{total} councils one migration behind: {time.perf_counter() - t:.1f} s", flush=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench.migrations")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--councils", type=int)
    parser.add_argument("--sample", type=int)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--migration", default="audit.0002_pendingauditentry")
    parser.add_argument("--database", default=DB_NAME, help=f"default {DB_NAME}")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the councils' database for the next run, and use the one kept by the last "
        "run when it was made for the same councils, migration and code",
    )
    args = parser.parse_args(argv)
    total = args.councils or (100 if args.quick else 400)
    sample = args.sample or (5 if args.quick else 10)
    app, name = args.migration.split(".", 1)
    started = time.perf_counter()

    database = args.database
    if args.reuse and _database_exists(database):
        _use_existing_database(database)
        fresh = not _ready(_setup_key(total, args.migration))
        if fresh:  # the public schema may be behind the code too: start from an empty database
            print(f"{database} was made for other councils, migration or code: making it again")
            from django.db import connection

            connection.close()
            fresh_database(database)
    else:
        fresh_database(database)
        fresh = True
    import logging

    logging.disable(logging.INFO)
    from django.db import connection

    from tenants.fleet import migrate_fleet
    from tenants.models import Council

    if fresh:
        _build(total, app, name, _setup_key(total, args.migration))
    else:
        print(f"reusing {database} ({total} councils one migration behind)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reset_sql, models FROM public.bench_migrations_setup")
        reset_sql, models = cursor.fetchone()
    schemas = list(
        Council.objects.filter(slug__startswith="fleet-")
        .order_by("pk")
        .values_list("schema_name", flat=True)
    )
    assert len(schemas) == total, (len(schemas), total)
    left = sorted(_applied(schemas, app, name))
    if left:  # an interrupted run
        print(f"{len(left)} council(s) left migrated by an earlier run: reset")
        _reset(left, app, name, reset_sql, models)

    rates = {}
    for codename, part in (
        ("standard", schemas[:sample]),
        ("multiprocessing", schemas[sample : 2 * sample]),
    ):
        t = time.perf_counter()
        _tenants_executor(codename, part)
        seconds = time.perf_counter() - t
        connection.close()
        assert _applied(part, app, name) == set(part), codename
        rates[codename] = seconds / len(part)
        print(
            f"django-tenants {codename:15s} {len(part)} councils in {seconds:.1f} s: "
            f"{rates[codename] * 1000:.0f} ms per council, {total} councils ~ "
            f"{rates[codename] * total:.0f} s (extrapolated)",
            flush=True,
        )
    _reset(schemas[: 2 * sample], app, name, reset_sql, models)
    assert not _applied(schemas, app, name)

    load = os.getloadavg()
    result = migrate_fleet(
        schemas, workers=args.workers, report=lambda line: print("  " + line, flush=True)
    )
    assert result.ok, result.failed
    assert _applied(schemas, app, name) == set(schemas)
    fleet_rate = result.seconds / total
    print(
        f"fleet ({args.workers} workers)              {total} councils in {result.seconds:.1f} s: "
        f"{fleet_rate * 1000:.0f} ms per council (load average before: "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; after: "
        + " ".join(f"{x:.1f}" for x in os.getloadavg())
        + ")"
    )
    print(
        "RESULT migrations "
        f"councils={total} fleet_s={result.seconds:.1f} "
        f"standard_s_extrapolated={rates['standard'] * total:.0f} "
        f"multiprocessing_s_extrapolated={rates['multiprocessing'] * total:.0f} "
        f"standard_over_fleet={rates['standard'] / fleet_rate:.1f}x "
        f"multiprocessing_over_fleet={rates['multiprocessing'] / fleet_rate:.1f}x "
        f"total_run_s={time.perf_counter() - started:.0f}"
    )
    if args.reuse:
        t = time.perf_counter()
        _reset(schemas, app, name, reset_sql, models)
        print(f"councils reset for the next run: {time.perf_counter() - t:.1f} s")
    else:
        drop_database(database)
