"""Fleet migrations: tenant migrations applied to every council schema (and the warm pool's) in
parallel worker processes, with progress recorded per schema so an interrupted run resumes.

Why not django-tenants' executors as they are: both run Django's whole ``migrate`` command once
per schema, which loads the migration graph and renders the project state of every applied
migration (about 300 here) again for each council before applying anything. Every council is at
the same state, so each worker here renders that state once, keeps it keyed by the set of applied
migrations, and for each schema only reads what is applied, clones the rendered state and applies
the plan with Django's own ``MigrationExecutor`` (so atomicity, recording in
``django_migrations`` and the ``pre_migrate`` signal are Django's). ``post_migrate`` goes to the
apps the plan migrates (and ``POST_MIGRATE_ALWAYS``), not to every app: see ``_emit_post_migrate``.

Each worker process holds one database connection. The outcome of each schema is written to
``tenants_fleetmigration`` (public) under the run's *target* (a digest of the code's migration
graph): running again with the same code skips schemas already done and retries the rest, so a
failed council (recorded with its error) never blocks the others, and an interrupted deploy picks
up where it stopped. ``manage.py migrate_platform`` (``make migrate``) drives it.
"""

from __future__ import annotations

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

# Per worker process: the rendered project state for a set of applied migrations.
_STATES: dict[frozenset, Any] = {}
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
    # One connection per worker: the parent's are closed before forking (django-tenants'
    # multiprocessing executor does the same) and each child opens its own.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=workers, initializer=_init_worker) as pool:
        jobs = ((schema, target) for schema in schemas)
        yield from pool.imap_unordered(_migrate_one_star, jobs, chunksize=1)


def _init_worker() -> None:
    for conn in connections.all(initialized_only=True):
        _INHERITED.append(conn.connection)
        conn.connection = None


def _migrate_one_star(job):
    return _migrate_one(*job)


def _record(schema: str, target: str, status: str, applied: int = 0, error: str = "") -> None:
    connection.set_schema_to_public()
    now = timezone.now()
    defaults = {"target": target, "status": status, "applied": applied, "error": error[:4000]}
    if status == FleetMigration.Status.RUNNING:
        defaults["started_at"] = now
        defaults["finished_at"] = None
    else:
        defaults["finished_at"] = now
    FleetMigration.objects.update_or_create(schema_name=schema, defaults=defaults)


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


def _emit_post_migrate(plan) -> None:
    """Django's ``post_migrate``, sent (as ``migrate`` sends it) with the plan, but only to the
    apps the plan migrates plus ``POST_MIGRATE_ALWAYS``. ``migrate`` sends it to every installed
    app; its receivers (content types, permissions, the kernel's declared group permissions) are
    idempotent catch-ups per app, and an app without a migration in the plan has nothing new to
    catch up on in a council schema. Sent to all ~50 apps it was ~85% of a council's time (about
    450 queries each for one CreateModel); a test holds the outcome equal to a full migrate's."""
    from django.apps import apps as global_apps
    from django.db.models.signals import post_migrate

    labels = {migration.app_label for migration, _backwards in plan} | set(POST_MIGRATE_ALWAYS)
    for app_config in global_apps.get_app_configs():
        if app_config.models_module is None or app_config.label not in labels:
            continue
        post_migrate.send(
            sender=app_config,
            app_config=app_config,
            verbosity=0,
            interactive=False,
            using=connection.alias,
            apps=global_apps,
            plan=plan,
        )


def apply_migrations(schema: str) -> int:
    """Apply the pending migrations of ``schema`` (in this process's connection); return how
    many were applied."""
    from django.core.management.sql import emit_pre_migrate_signal
    from django.db.migrations.recorder import MigrationRecorder

    # As django-tenants does: the schema's own django_migrations, never public's.
    connection.set_schema(schema, include_public=False)
    MigrationRecorder(connection).ensure_schema()
    connection.set_schema(schema)
    try:
        executor = MigrationExecutor(connection)
        targets = executor.loader.graph.leaf_nodes()
        plan = executor.migration_plan(targets)
        if not plan:
            return 0
        key = frozenset(executor.loader.applied_migrations)
        state = _STATES.get(key)
        if state is None:
            _STATES.clear()
            state = executor._create_project_state(with_applied_migrations=True)  # type: ignore[attr-defined]
            state.apps  # noqa: B018 (render once: the expensive part)
            _STATES[key] = state
        pre_state = state.clone()
        emit_pre_migrate_signal(0, False, connection.alias, apps=pre_state.apps, plan=plan)
        executor.migrate(targets, plan=plan, state=pre_state)
        _emit_post_migrate(plan)
        return len(plan)
    finally:
        connection.set_schema_to_public()
