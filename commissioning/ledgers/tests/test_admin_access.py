"""Councils provisioned before Commissioners were given the Wagtail admin gain it on the next
deploy: the fleet migration applies ``ledgers.0002_commissioners_admin_access`` (idempotent), and
the kernel's ``post_migrate`` handler grants admin access to every group declared with it."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection

from platform_core import provisioning

ACCESS = "wagtailadmin.access_admin"


def _perms(name):
    group = Group.objects.get(name=name)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def _take_access(*names):
    """The state of a council provisioned before the change: the group, without admin access."""
    for name in names:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.remove(*group.permissions.filter(codename="access_admin"))


@pytest.mark.django_db
def test_a_council_provisioned_before_the_change_gets_commissioners_into_the_admin(
    council_a, in_council, staff_client_factory
):
    from tenants.fleet import migrate_fleet

    schema = council_a.schema_name
    with in_council(council_a):
        _take_access("Commissioners")
        assert ACCESS not in _perms("Commissioners")
        assert "ledgers.add_commitment" in _perms("Commissioners")  # the rest stays
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM django_migrations WHERE app = 'ledgers' "
                "AND name = '0002_commissioners_admin_access'"
            )
    client = staff_client_factory(council_a, groups=("Commissioners",), username="cllr@a.example")
    refused = client.get("/admin/")
    assert refused.status_code == 302 and "/login/" in refused["Location"]

    # The deploy: fleet migrations (here in this process) apply the pending migration.
    result = migrate_fleet([schema], workers=0)
    assert result.ok and result.migrated == {schema: 1}
    with in_council(council_a):
        assert ACCESS in _perms("Commissioners")
        assert "ledgers.add_commitment" in _perms("Commissioners")
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/commissioning/budgets/").status_code == 200

    # Idempotent: running the backfill again changes nothing.
    from importlib import import_module

    migration = import_module("commissioning.ledgers.migrations.0002_commissioners_admin_access")
    with in_council(council_a):
        before = _perms("Commissioners")
        migration.grant(apps, None)
        assert _perms("Commissioners") == before
        assert Group.objects.filter(name="Commissioners").count() == 1


@pytest.mark.django_db
def test_post_migrate_grants_admin_access_to_every_group_declared_with_it(council_a, in_council):
    declared = sorted(spec.name for spec in provisioning.groups() if spec.admin_access)
    undeclared = sorted(spec.name for spec in provisioning.groups() if not spec.admin_access)
    assert "Commissioners" in declared and "Elected members" in declared
    assert "Provider representatives" in undeclared
    with in_council(council_a):
        _take_access(*declared)
        assert all(ACCESS not in _perms(name) for name in declared)
        # Another app's post_migrate leaves admin access alone; wagtailadmin's grants it.
        provisioning.grant_declared_permissions(sender=apps.get_app_config("ledgers"))
        assert ACCESS not in _perms("Commissioners")
        for _ in range(2):
            provisioning.grant_declared_permissions(sender=apps.get_app_config("wagtailadmin"))
        assert all(ACCESS in _perms(name) for name in declared)
        assert all(ACCESS not in _perms(name) for name in undeclared)


@pytest.mark.django_db
def test_post_migrate_in_public_grants_nothing(council_a):
    connection.set_schema_to_public()
    before = set(Group.objects.values_list("name", flat=True))
    provisioning.grant_declared_permissions(sender=apps.get_app_config("wagtailadmin"))
    assert set(Group.objects.values_list("name", flat=True)) == before
