"""Trigram indexes for the ORUK API's ``text`` filter (docs/providers.md, docs/benchmarks.md).

pg_trgm is a contrib extension: the production PostgreSQL offers it, the embedded PostgreSQL that
``make run`` starts does not. Where it is not offered the indexes are left out and the filter still
works (a sequential scan), so a fresh machine can migrate.
"""

from django.db import migrations

INDEXES = {
    # The expressions are the ones the icontains lookup writes (UPPER of the column), so the
    # planner can use them for ``name ILIKE``-style filters.
    "providers_service_name_trgm": "UPPER(name::text)",
    "providers_service_desc_trgm": "UPPER(description)",
}


def create_indexes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        # pg_trgm in the public schema (every council's search_path ends in public), so each
        # council's migration finds gin_trgm_ops; IF NOT EXISTS: the first council makes it.
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
        for name, expression in INDEXES.items():
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON providers_service "
                f"USING gin ({expression} gin_trgm_ops)"
            )


def drop_indexes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0004_feed_imports"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
