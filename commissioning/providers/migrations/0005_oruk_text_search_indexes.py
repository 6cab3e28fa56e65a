"""Trigram indexes for the ORUK API's ``text`` filter (docs/providers.md, docs/benchmarks.md)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0004_feed_imports"),
    ]

    operations = [
        # pg_trgm in the public schema (every council's search_path ends in public), so each
        # council's migration finds gin_trgm_ops; IF NOT EXISTS: the first council makes it.
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public",
            reverse_sql=migrations.RunSQL.noop,
        ),
        # The expressions are the ones the icontains lookup writes (UPPER of the column), so the
        # planner can use them for ``name ILIKE``-style filters.
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS providers_service_name_trgm ON providers_service "
            "USING gin (UPPER(name::text) gin_trgm_ops)",
            reverse_sql="DROP INDEX IF EXISTS providers_service_name_trgm",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS providers_service_desc_trgm ON providers_service "
            "USING gin (UPPER(description) gin_trgm_ops)",
            reverse_sql="DROP INDEX IF EXISTS providers_service_desc_trgm",
        ),
    ]
