"""Fleet migrations (tenants/fleet.py, ``manage.py migrate_platform``): worker processes, one
schema failing does not stop the others, and a second run resumes with only what is left.

The councils here are committed (the workers are other processes with their own connections),
and removed afterwards."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tenants.utils import schema_context

from tenants import actions
from tenants.fleet import fleet_target
from tenants.models import Council, FleetMigration

# The "new" tenant migration: rolled back by hand in the test councils (its backwards is one
# DROP TABLE), so that the fleet has exactly one migration to apply to each.
APP, NAME, TABLE = "audit", "0002_pendingauditentry", "audit_pendingauditentry"
SPECS = [
    ("Fleetone Council", "fleetone", "E06000911"),
    ("Fleettwo Council", "fleettwo", "E06000912"),
    ("Fleetthree Council", "fleetthree", "E06000913"),
]


def _sql(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def _has_table(schema):
    return _sql(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s "
        "AND table_name = %s",
        [schema, TABLE],
    )[0][0]


@pytest.fixture
def fleet_councils(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        councils = [
            actions.provision_council(
                name=name,
                slug=slug,
                gss_code=gss,
                tier="unitary",
                admin_email=f"a@{slug}.example",
                method="clone",
                notify=False,
            ).council
            for name, slug, gss in SPECS
        ]
        for council in councils:
            schema = council.schema_name
            _sql(f'DROP TABLE "{schema}".{TABLE}')
            _sql(
                f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s',  # noqa: S608
                [APP, NAME],
            )
        try:
            yield councils
        finally:
            connection.set_schema_to_public()
            for council in councils:
                _sql(f'DROP SCHEMA IF EXISTS "{council.schema_name}" CASCADE')
            Council.objects.filter(pk__in=[c.pk for c in councils]).delete()
            FleetMigration.objects.all().delete()


def test_fleet_migrates_in_workers_and_resumes_after_a_failing_council(
    fleet_councils, django_db_blocker
):
    one, two, three = (c.schema_name for c in fleet_councils)
    with django_db_blocker.unblock():
        # Council two cannot take the migration: a table of that name is in the way.
        _sql(f'CREATE TABLE "{two}".{TABLE} (id integer)')
        out = io.StringIO()
        with pytest.raises(CommandError, match=two):
            call_command("migrate_platform", workers=2, stdout=out)
        printed = out.getvalue()
        assert "worker process(es)" in printed and "FAILED" in printed
        assert "[" in printed and "%" in printed  # progress lines
        assert _has_table(one) and _has_table(three)
        rows = {row.schema_name: row for row in FleetMigration.objects.all()}
        target = fleet_target()
        assert rows[one].status == rows[three].status == FleetMigration.Status.DONE
        assert rows[one].applied == rows[three].applied == 1
        assert rows[two].status == FleetMigration.Status.FAILED
        assert "already exists" in rows[two].error
        # The failed council is left as it was: its migration not recorded (one transaction).
        assert not _sql(
            f'SELECT 1 FROM "{two}".django_migrations WHERE app = %s AND name = %s',  # noqa: S608
            [APP, NAME],
        )
        assert {rows[s].target for s in (one, two, three)} == {target}
        # Councils already at the code's migrations are done with nothing applied.
        assert rows["c_alphaford"].status == FleetMigration.Status.DONE
        assert rows["c_alphaford"].applied == 0
        finished_one = rows[one].finished_at

        # Fixed; the second run migrates only what is left.
        _sql(f'DROP TABLE "{two}".{TABLE}')
        out = io.StringIO()
        call_command("migrate_platform", workers=2, stdout=out)
        assert "1 schema(s) to migrate" in out.getvalue()
        rows = {row.schema_name: row for row in FleetMigration.objects.all()}
        assert rows[two].status == FleetMigration.Status.DONE and rows[two].applied == 1
        assert rows[one].finished_at == finished_one  # not run again
        assert _has_table(two)
        # Django's post_migrate ran in the council: the new model has its content type.
        with schema_context(two):
            from django.contrib.contenttypes.models import ContentType

            assert ContentType.objects.filter(app_label=APP, model="pendingauditentry").exists()
            applied = _sql(
                "SELECT count(*) FROM django_migrations WHERE app = %s AND name = %s", [APP, NAME]
            )
            assert applied[0][0] == 1


@pytest.mark.django_db
def test_fleet_in_process_applies_a_pending_migration(council_a):
    """The in-process path (``workers=0``) on a schema inside this test's transaction."""
    from tenants.fleet import migrate_fleet

    schema = council_a.schema_name
    _sql(f'DROP TABLE "{schema}".{TABLE}')
    _sql(
        f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s',  # noqa: S608
        [APP, NAME],
    )
    lines = []
    result = migrate_fleet([schema], workers=0, report=lines.append)
    assert result.ok and result.migrated == {schema: 1}
    assert _has_table(schema)
    assert any("1 schema(s) to migrate" in line for line in lines)


def _auth_state():
    """The current schema's content types, permissions and group grants, as comparable sets."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    return (
        set(ContentType.objects.values_list("app_label", "model")),
        set(Permission.objects.values_list("content_type__app_label", "codename")),
        {
            (group.name, perm.content_type.app_label, perm.codename)
            for group in Group.objects.prefetch_related("permissions__content_type")
            for perm in group.permissions.all()
        },
    )


@pytest.mark.django_db
def test_fleet_leaves_content_types_permissions_and_grants_as_a_full_migrate_does(council_a):
    """The fleet sends ``post_migrate`` only to the apps its plan migrates (plus Wagtail admin
    and snippets): the outcome must equal a full ``migrate``'s. The council is a copy of the
    fully migrated template; taking the migration back *with* what post_migrate made for it (its
    content type, and so its permissions and any group's grant of them) and migrating again
    through the fleet must give back exactly the same content types, permissions and grants."""
    from django.contrib.contenttypes.models import ContentType

    from tenants.fleet import migrate_fleet

    schema = council_a.schema_name
    with schema_context(schema):
        before = _auth_state()
        assert (APP, "pendingauditentry") in before[0]
        assert {(APP, f"{verb}_pendingauditentry") for verb in ("add", "view")} <= before[1]
        ContentType.objects.filter(app_label=APP, model="pendingauditentry").delete()
        ContentType.objects.clear_cache()
        assert (APP, "pendingauditentry") not in _auth_state()[0]
    _sql(f'DROP TABLE "{schema}".{TABLE}')
    _sql(
        f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s',  # noqa: S608
        [APP, NAME],
    )
    result = migrate_fleet([schema], workers=0)
    assert result.ok and result.migrated == {schema: 1}
    with schema_context(schema):
        ContentType.objects.clear_cache()
        assert _auth_state() == before


def _take_back(schema):
    """The council one migration behind, as before a release that adds it: its table, its
    django_migrations row, and what post_migrate made for it (content type, permissions and the
    groups' grants of them)."""
    from django.contrib.contenttypes.models import ContentType

    _sql(f'DROP TABLE "{schema}".{TABLE}')
    _sql(
        f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s',  # noqa: S608
        [APP, NAME],
    )
    with schema_context(schema):
        ContentType.objects.filter(app_label=APP, model="pendingauditentry").delete()
        ContentType.objects.clear_cache()


def _catalogue(schema):
    """The schema's structure from pg_catalog: tables, columns (type, null, default), indexes
    (definition) and constraints (definition), with the schema's name taken out."""

    def strip(text):
        return (text or "").replace(f'"{schema}".', "").replace(f"{schema}.", "")

    columns = _sql(
        """SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                  pg_get_expr(d.adbin, d.adrelid), a.attidentity
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
           WHERE n.nspname = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped""",
        [schema],
    )
    indexes = _sql(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s", [schema]
    )
    constraints = _sql(
        """SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid), k.condeferrable,
                  k.condeferred
           FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
           JOIN pg_namespace n ON n.oid = k.connamespace WHERE n.nspname = %s""",
        [schema],
    )
    return (
        {(t, col, typ, nn, strip(default), ident) for t, col, typ, nn, default, ident in columns},
        {(t, name, strip(definition)) for t, name, definition in indexes},
        {(t, name, kind, strip(d), x, y) for t, name, kind, d, x, y in constraints},
    )


@pytest.mark.django_db
def test_fleet_path_gives_the_schema_and_rows_of_django_tenants_standard_migrate(
    council_a, council_b
):
    """Council A migrated by the fleet (the plan and states rendered once, the operations run by
    the schema editor in the council), council B by django-tenants' standard executor (Django's
    whole ``migrate`` command in the schema): the same tables, columns, indexes and constraints,
    the same django_migrations, content types, permissions and group grants."""
    from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
    from django_tenants.migration_executors import get_executor

    from tenants.fleet import migrate_fleet

    a, b = council_a.schema_name, council_b.schema_name
    assert _catalogue(a) == _catalogue(b)  # both copies of the template to start with
    for schema in (a, b):
        _take_back(schema)
    assert not _has_table(a) and _catalogue(a) == _catalogue(b)

    result = migrate_fleet([a], workers=0)
    assert result.ok and result.migrated == {a: 1}
    parser = MigrateSchemasCommand().create_parser("manage.py", "migrate_schemas")
    options = vars(parser.parse_args(["--noinput", "--verbosity", "0", "--skip-checks"]))
    get_executor("standard")([], options).run_migrations(tenants=[b])
    connection.set_schema_to_public()

    assert _has_table(a) and _has_table(b)
    assert _catalogue(a) == _catalogue(b)
    migrations = {}
    for schema in (a, b):
        migrations[schema] = set(_sql(f'SELECT app, name FROM "{schema}".django_migrations'))  # noqa: S608
    assert migrations[a] == migrations[b] and (APP, NAME) in migrations[a]
    states = {}
    for schema in (a, b):
        with schema_context(schema):
            from django.contrib.contenttypes.models import ContentType

            ContentType.objects.clear_cache()
            states[schema] = _auth_state()
    assert (APP, "pendingauditentry") in states[a][0]
    assert states[a] == states[b]


@pytest.mark.django_db
def test_fleet_renders_the_plan_once_for_councils_at_the_same_migrations(council_a, council_b):
    """The second council at the same applied migrations reuses the first one's plan and rendered
    states (no new loader, no new state); each council's failure is its own."""
    from tenants import fleet

    a, b = council_a.schema_name, council_b.schema_name
    for schema in (a, b):
        _take_back(schema)
    fleet._PLANS.clear()
    built = []
    original = fleet.MigrationExecutor

    class Counting(original):
        def __init__(self, *args, **kwargs):
            built.append(1)
            super().__init__(*args, **kwargs)

    fleet.MigrationExecutor = Counting
    try:
        result = fleet.migrate_fleet([a, b], workers=0)
    finally:
        fleet.MigrationExecutor = original
    assert result.ok and result.migrated == {a: 1, b: 1}
    assert len(built) == 1 and len(fleet._PLANS) == 1
    assert _has_table(a) and _has_table(b)


@pytest.mark.django_db
def test_fleet_applies_a_long_plan_with_djangos_executor(council_a, monkeypatch):
    """A plan longer than MAX_RENDERED_OPERATIONS (a schema far behind) is applied by Django's
    executor from the state rendered once, with the same outcome."""
    from tenants import fleet

    schema = council_a.schema_name
    _take_back(schema)
    fleet._PLANS.clear()
    monkeypatch.setattr(fleet, "MAX_RENDERED_OPERATIONS", 0)
    result = fleet.migrate_fleet([schema], workers=0)
    assert result.ok and result.migrated == {schema: 1}
    assert [entry.steps for entry in fleet._PLANS.values()] == [None]
    assert _has_table(schema)
    assert _sql(
        f'SELECT 1 FROM "{schema}".django_migrations WHERE app = %s AND name = %s',  # noqa: S608
        [APP, NAME],
    )
    fleet._PLANS.clear()


@pytest.mark.django_db
def test_fleet_runs_runpython_and_runsql_in_the_councils_schema(council_a, council_b):
    """Operations that are not schema changes (RunSQL, RunPython) run through the same path, in
    each council's own schema with its historical models, and are recorded there."""
    from django.db import migrations
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.state import ProjectState

    from tenants import fleet

    seen = []

    def forwards(apps, schema_editor):
        seen.append(schema_editor.connection.schema_name)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("INSERT INTO fleet_probe VALUES (current_schema())")

    migration = migrations.Migration("9999_fleet_probe", APP)
    migration.operations = [
        migrations.RunSQL("CREATE TABLE fleet_probe (schema_name text)"),
        migrations.RunPython(forwards),
    ]
    state = ProjectState()
    entry = fleet._Plan(
        executor=MigrationExecutor(connection),
        plan=[(migration, False)],
        steps=[(migration, [(op, state, state) for op in migration.operations])],
        start=state,
    )
    for council in (council_a, council_b):
        connection.set_schema(council.schema_name)
        fleet._apply_plan(entry)
        connection.set_schema_to_public()
    for council in (council_a, council_b):
        schema = council.schema_name
        assert _sql(f'SELECT schema_name FROM "{schema}".fleet_probe') == [(schema,)]  # noqa: S608
        assert _sql(
            f"SELECT 1 FROM \"{schema}\".django_migrations WHERE name = '9999_fleet_probe'"  # noqa: S608
        )
    assert seen == [council_a.schema_name, council_b.schema_name]
    assert not _sql("SELECT to_regclass('public.fleet_probe')")[0][0]
