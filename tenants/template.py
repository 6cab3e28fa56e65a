"""The council template schema: migrated once, filled with what every council starts with.

``build_template()`` is run by ``make run``, the test fixtures and after every deploy's
migrations; provisioning then copies it (tenants.cloning). What goes in is declared by the apps
(platform_core/provisioning.py, TEMPLATE phase); per-council rows that differ (hostname, names,
first administrator) are set by ``tenants.actions.personalise_council`` after the copy.
"""

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.utils import schema_context, schema_exists

from platform_core import provisioning


def template_schema() -> str:
    return settings.TENANT_TEMPLATE_SCHEMA


def build_template(verbosity: int = 0) -> None:
    """Create or update the template schema. Safe to run again: only pending migrations run."""
    schema = template_schema()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    call_command(
        "migrate_schemas", schema_name=schema, tenant=True, interactive=False, verbosity=verbosity
    )
    with schema_context(schema), transaction.atomic():
        prepare_template_contents()


def prepare_template_contents() -> None:
    """Rows every council starts with: each app's TEMPLATE provisioning steps (the registry in
    platform_core/provisioning.py). Idempotent; runs inside the template (or a new) schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS platform_template_version (version integer NOT NULL)"
        )
        cursor.execute("DELETE FROM platform_template_version")
        cursor.execute("INSERT INTO platform_template_version VALUES (1)")
    provisioning.run(provisioning.TEMPLATE)


def template_ready() -> bool:
    return schema_exists(template_schema())
