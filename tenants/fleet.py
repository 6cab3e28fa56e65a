"""Fleet migrations: tenant migrations applied to every council schema (and the warm pool's) in
parallel worker processes, with progress recorded per schema so an interrupted run resumes.

Why not django-tenants' executors as they are: both run Django's whole ``migrate`` command once
per schema, which loads the migration graph from disk and renders the project state of every
applied migration (about 300 here) again for each council, then sends ``post_migrate`` to every
app (about 450 statements) before the next. Every council is at the same state, so each worker
here does the expensive part once per set of applied migrations (``_plan_for``): the loader's
graph, the plan, and the rendered project state before and after each operation of the plan.
For each schema it then reads what is applied (one query), and, in one transaction when every
migration of the plan is atomic, sends ``pre_migrate``, runs each operation's
``database_forwards`` with the schema editor in the schema (as Django's ``Migration.apply`` does,
so RunPython and RunSQL run as they would under ``migrate``), records the migrations in the
schema's ``django_migrations`` (as ``MigrationExecutor.record_migration``) and sends
``post_migrate`` to the apps the plan migrates (and ``POST_MIGRATE_ALWAYS``), not to every app:
see ``_emit_post_migrate``. A test holds the result (tables, columns, indexes, constraints,
django_migrations, content types, permissions, grants) equal to django-tenants' standard
executor's.

Each worker process holds one database connection. The outcome of each schema is written to
``tenants_fleetmigration`` (public) under the run's *target* (a digest of the code's migration
graph): running again with the same code skips schemas already done and retries the rest, so a
failed council (recorded with its error) never blocks the others, and an interrupted deploy picks
up where it stopped. ``manage.py migrate_platform`` (``make migrate``) drives it.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from platform_core.db import connection

from .models import FleetMigration

# Held by the process running a fleet migration, so two deploys never migrate at once.
_FLEET_LOCK = 0x7E1A_0002

# Connections inherited from the parent over fork: kept referenced (never closed or collected in
# the child, which would end the parent's session on the shared socket).
_INHERITED: list = []


@dataclass
class FleetResult:
    target: str
    total: int = 0
    skipped: list[str] = field(default_factory=list)  # already done for this target
    migrated: dict[str, int] = field(default_factory=dict)  # schema -> migrations applied
    failed: dict[str, str] = field(default_factory=dict)  # schema -> error
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


def fleet_target() -> str:
    """A digest of every migration in the code: equal for every run of one release."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    nodes = sorted(f"{app}.{name}" for app, name in loader.graph.nodes)
    return hashlib.sha256(",".join(nodes).encode()).hexdigest()[:32]


def pending_schemas(schemas: Iterable[str], target: str) -> list[str]:
    done = set(
        FleetMigration.objects.filter(
            target=target, status=FleetMigration.Status.DONE, schema_name__in=list(schemas)
        ).values_list("schema_name", flat=True)
    )
    return [schema for schema in schemas if schema not in done]


def migrate_fleet(
    schemas: list[str],
    *,
    workers: int = 2,
    report: Callable[[str], None] | None = None,
    target: str | None = None,
) -> FleetResult:
    """Migrate ``schemas`` (tenant schemas) to the code's migrations. ``workers`` processes
    (``0``: in this process, in its current connection and transaction, as the tests of the
    single-schema path do). ``report(line)`` receives progress lines."""
    report = report or (lambda line: None)
    target = target or fleet_target()
    result = FleetResult(target=target)
    started = time.perf_counter()
    connection.set_schema_to_public()
    # The lock lives on a connection of its own: the workers' parent closes its connections
    # before forking.
    lock = connections.create_connection("default")
    with lock.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_FLEET_LOCK])
        if not cursor.fetchone()[0]:
            lock.close()
            raise RuntimeError("another fleet migration is running")
    try:
        todo = pending_schemas(schemas, target)
        result.skipped = [schema for schema in schemas if schema not in set(todo)]
        result.total = len(todo)
        report(
            f"{len(todo)} schema(s) to migrate, {len(result.skipped)} already done for this "
            f"release; {max(1, workers) if workers else 'no'} worker process(es)"
        )
        for index, outcome in enumerate(_run(todo, workers, target), start=1):
            schema, applied, seconds, error = outcome
            if error:
                result.failed[schema] = error
                report(f"[{index}/{len(todo)}] {schema}: FAILED ({error.splitlines()[0]})")
            else:
                result.migrated[schema] = applied
            step = max(1, len(todo) // 20)
            if not error and (index % step == 0 or index == len(todo)):
                elapsed = time.perf_counter() - started
                eta = elapsed / index * (len(todo) - index)
                report(
                    f"[{index}/{len(todo)}] {100 * index // len(todo)}% in {elapsed:.0f} s, "
                    f"about {eta:.0f} s to go, {len(result.failed)} failed"
                )
    finally:
        connection.set_schema_to_public()
        lock.close()  # releases the advisory lock
    result.seconds = time.perf_counter() - started
    return result


def _run(schemas: list[str], workers: int, target: str):
    if not schemas:
        return
    if workers <= 0:
        for schema in schemas:
            yield _migrate_one(schema, target)
        return
    # The plan and its rendered states for the first schema's applied migrations, made here
    # once, are inherited by every worker over fork (instead of each worker making its own).
    _warm(schemas[0])
    # One connection per worker: the parent's are closed before forking (django-tenants'
    # multiprocessing executor does the same) and each child opens its own.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=workers, initializer=_init_worker) as pool:
        jobs = ((schema, target) for schema in schemas)
        yield from pool.imap_unordered(_migrate_one_star, jobs, chunksize=1)


def _warm(schema: str) -> None:
    """Make the plan for ``schema``'s applied migrations; a failure is left to the schema's own
    run, where it is reported."""
    try:
        connection.set_schema(schema)
        key = _applied_keys(schema)
        if key is not None:
            _plan_for(key)
    except Exception:
        _PLANS.clear()
    finally:
        connection.set_schema_to_public()


def _init_worker() -> None:
    for conn in connections.all(initialized_only=True):
        _INHERITED.append(conn.connection)
        conn.connection = None


def _migrate_one_star(job):
    return _migrate_one(*job)


def _record(schema: str, target: str, status: str, applied: int = 0, error: str = "") -> None:
    """One statement (an upsert on the schema's row): the start of a schema's run sets
    ``started_at`` and clears ``finished_at``, its end sets ``finished_at``."""
    connection.set_schema_to_public()
    now = timezone.now()
    running = status == FleetMigration.Status.RUNNING
    table = FleetMigration._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} AS f
                    (schema_name, target, status, applied, error, started_at, finished_at)
                VALUES (%s, %s, %s, %s, %s, %s, %s)
                ON CONFLICT (schema_name) DO UPDATE SET target = EXCLUDED.target,
                    status = EXCLUDED.status, applied = EXCLUDED.applied, error = EXCLUDED.error,
                    started_at = CASE WHEN %s THEN EXCLUDED.started_at ELSE f.started_at END,
                    finished_at = EXCLUDED.finished_at""",  # noqa: S608
            [schema, target, status, applied, error[:4000], now, None if running else now, running],
        )


def _migrate_one(schema: str, target: str) -> tuple[str, int, float, str]:
    """Migrate one schema; never raises (the error is recorded and returned)."""
    started = time.perf_counter()
    try:
        _record(schema, target, FleetMigration.Status.RUNNING)
        applied = apply_migrations(schema)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"
        try:
            connection.set_schema_to_public()
            _record(schema, target, FleetMigration.Status.FAILED, error=error)
        except Exception:  # the connection itself is broken: start a new one next time
            connection.close()
            _record(schema, target, FleetMigration.Status.FAILED, error=error)
        return schema, 0, time.perf_counter() - started, error
    _record(schema, target, FleetMigration.Status.DONE, applied=applied)
    return schema, applied, time.perf_counter() - started, ""


# Apps whose post_migrate receivers act beyond their own app: Wagtail snippets' extra permissions
# for every snippet model, and the kernel's grant of Wagtail admin access to the declared groups.
POST_MIGRATE_ALWAYS = ("wagtailsnippets", "wagtailadmin")


def _signalled_apps(plan) -> list:
    """The apps (with models) that the plan migrates, plus ``POST_MIGRATE_ALWAYS``."""
    from django.apps import apps as global_apps

    labels = {migration.app_label for migration, _backwards in plan} | set(POST_MIGRATE_ALWAYS)
    return [
        app_config
        for app_config in global_apps.get_app_configs()
        if app_config.models_module is not None and app_config.label in labels
    ]


def _emit_post_migrate(plan) -> None:
    """Django's ``post_migrate``, sent (as ``migrate`` sends it) with the plan, but only to the
    apps the plan migrates plus ``POST_MIGRATE_ALWAYS``. ``migrate`` sends it to every installed
    app; its receivers (content types, permissions, the kernel's declared group permissions) are
    idempotent catch-ups per app, and an app without a migration in the plan has nothing new to
    catch up on in a council schema. Sent to all ~50 apps it was ~85% of a council's time (about
    450 queries each for one CreateModel); a test holds the outcome equal to a full migrate's."""
    from django.apps import apps as global_apps
    from django.db.models.signals import post_migrate

    for app_config in _signalled_apps(plan):
        post_migrate.send(
            sender=app_config,
            app_config=app_config,
            verbosity=0,
            interactive=False,
            using=connection.alias,
            apps=global_apps,
            plan=plan,
        )


# Plans with more operations than this are applied by Django's executor from the state rendered
# once (a schema far behind, such as a warm-pool schema made releases ago), not with a rendered
# state per operation.
MAX_RENDERED_OPERATIONS = 60

# Per worker process: for a set of applied migrations, the plan to the code's leaves with the
# project state before and after each of its operations, rendered once (see ``_plan_for``).
_PLANS: dict[frozenset, _Plan | None] = {}


@dataclass
class _Plan:
    """What applying the code's migrations to a schema at one applied set takes, computed once per
    worker: the executor (its loader's graph for that set), the plan, and for each migration its
    operations with the rendered project states before and after each."""

    executor: Any
    plan: list
    # [(migration, [(operation, from_state, to_state), ...]), ...]; None: too long a plan to
    # render per operation (see MAX_RENDERED_OPERATIONS), applied by Django's executor.
    steps: list | None
    start: Any  # the project state before the plan (pre_migrate's apps)

    @property
    def atomic(self) -> bool:
        return all(migration.atomic for migration, _backwards in self.plan)


def _applied_keys(schema: str) -> frozenset | None:
    """The schema's applied migrations, by one query; ``None`` without a django_migrations."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f'"{schema}".django_migrations'])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608
        return frozenset(cursor.fetchall())


def _plan_for(key: frozenset) -> _Plan | None:
    """The plan for a schema whose applied migrations are ``key`` (the connection is in that
    schema), built once per worker: the loader reads the graph from disk and the project state of
    every applied migration (about 300) is rendered here, not per council."""
    from django.core.management.sql import emit_pre_migrate_signal

    if key in _PLANS:
        return _PLANS[key]
    if len(_PLANS) > 8:
        _PLANS.clear()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        _PLANS[key] = None
        return None
    if any(backwards for _migration, backwards in plan):
        raise RuntimeError("the fleet applies migrations forwards only; this plan goes backwards")
    state = executor._create_project_state(with_applied_migrations=True)  # type: ignore[attr-defined]
    state.apps  # noqa: B018 (render once: the expensive part)
    # Receivers may add operations to the plan's migrations (contenttypes adds a
    # RenameContentType after each RenameModel): sent once here, on the plan the states are built
    # from; each council then gets pre_migrate on a copy (see _pre_migrate).
    emit_pre_migrate_signal(0, False, connection.alias, apps=state.apps, plan=plan)
    start = state
    if sum(len(migration.operations) for migration, _backwards in plan) > MAX_RENDERED_OPERATIONS:
        # A schema far behind (hundreds of operations): one rendered state per operation would
        # cost more than it saves; Django's executor carries one state forwards instead.
        _PLANS[key] = _Plan(executor=executor, plan=plan, steps=None, start=start)
        return _PLANS[key]
    steps = []
    for migration, _backwards in plan:
        operations = []
        for operation in migration.operations:
            after = state.clone()
            operation.state_forwards(migration.app_label, after)
            after.apps  # noqa: B018
            operations.append((operation, state, after))
            state = after
        steps.append((migration, operations))
    _PLANS[key] = _Plan(executor=executor, plan=plan, steps=steps, start=start)
    return _PLANS[key]


def _pre_migrate(entry: _Plan) -> None:
    """Django's ``pre_migrate`` for one council, to the apps ``post_migrate`` goes to (see
    ``_emit_post_migrate``; its receivers here are contenttypes', which edits the plan, and
    Wagtail's, which disconnects its reference-index handlers until ``post_migrate``), on copies
    of the plan's migrations: a receiver that edits operations edits the copies (the originals
    were edited once, in ``_plan_for``, where ``pre_migrate`` went to every app). Sent to all ~50
    apps, Wagtail's receiver alone took about 0.1 s per council."""
    import copy

    from django.db.models.signals import pre_migrate

    plan = []
    for migration, backwards in entry.plan:
        duplicate = copy.copy(migration)
        duplicate.operations = list(migration.operations)
        plan.append((duplicate, backwards))
    for app_config in _signalled_apps(entry.plan):
        pre_migrate.send(
            sender=app_config,
            app_config=app_config,
            verbosity=0,
            interactive=False,
            using=connection.alias,
            apps=entry.start.apps,
            plan=plan,
        )


def _apply_plan(entry: _Plan) -> None:
    """Run the plan's operations in the current schema with the states rendered once, as
    Django's ``Migration.apply`` and ``MigrationExecutor.apply_migration`` do (a schema editor per
    migration, atomic as the migration says; the migration recorded in the schema's
    django_migrations once its deferred SQL has run)."""
    from django.db import transaction

    if entry.steps is None:
        entry.executor.migrate(
            entry.executor.loader.graph.leaf_nodes(),
            plan=entry.plan,
            state=entry.start.clone(),
        )
        return
    for migration, operations in entry.steps:
        recorded = False
        with connection.schema_editor(atomic=migration.atomic) as editor:
            for operation, before, after in operations:
                atomic_operation = operation.atomic or (
                    migration.atomic and operation.atomic is not False
                )
                if not editor.atomic_migration and atomic_operation:
                    with transaction.atomic(connection.alias):
                        operation.database_forwards(migration.app_label, editor, before, after)
                else:
                    operation.database_forwards(migration.app_label, editor, before, after)
            if not editor.deferred_sql:
                entry.executor.record_migration(migration)
                recorded = True
        if not recorded:
            entry.executor.record_migration(migration)
    if entry.executor.loader.replacements:
        entry.executor.check_replacements()


def apply_migrations(schema: str) -> int:
    """Apply the pending migrations of ``schema`` (in this process's connection); return how
    many were applied. The plan and its states come from ``_plan_for`` (once per worker for
    every schema at the same applied set); per schema this is one query for what is applied,
    the operations' SQL, the django_migrations rows and the signals. When every migration in the
    plan is atomic (the usual case) the schema's whole migration, signals included, is one
    transaction: a failure leaves the schema as it was."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.db.migrations.recorder import MigrationRecorder

    try:
        connection.set_schema(schema)
        key = _applied_keys(schema)
        if key is None:
            # As django-tenants does: the schema's own django_migrations, never public's.
            connection.set_schema(schema, include_public=False)
            MigrationRecorder(connection).ensure_schema()
            connection.set_schema(schema)
            key = _applied_keys(schema) or frozenset()
        entry = _plan_for(key)
        if entry is None:
            return 0
        ContentType.objects.clear_cache()  # its cache is per database, not per schema
        with transaction.atomic() if entry.atomic else contextlib.nullcontext():
            _pre_migrate(entry)
            _apply_plan(entry)
            _emit_post_migrate(entry.plan)
        return len(entry.plan)
    finally:
        ContentType.objects.clear_cache()
        connection.set_schema_to_public()
