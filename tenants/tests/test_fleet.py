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
