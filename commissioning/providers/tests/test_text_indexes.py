"""Migration 0005: trigram indexes where the server offers pg_trgm, none (and no failure) where not."""

import importlib

import pytest
from django.db import connection
from django_tenants.utils import schema_context

migration = importlib.import_module(
    "commissioning.providers.migrations.0005_oruk_text_search_indexes"
)


def _indexes(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND indexname LIKE %s",
            [schema, "providers_service_%_trgm"],
        )
        return {row[0] for row in cursor.fetchall()}


def _offered() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        return cursor.fetchone() is not None


def test_a_council_has_the_trigram_indexes_where_pg_trgm_is_offered(council_a):
    if not _offered():
        pytest.skip("this PostgreSQL does not offer pg_trgm")
    assert _indexes(council_a.schema_name) == set(migration.INDEXES)


def test_without_pg_trgm_the_migration_creates_nothing_and_does_not_fail(council_a, monkeypatch):
    """The embedded PostgreSQL of `make run` ships no contrib extensions: the migration must pass."""

    class Editor:
        def __init__(self, real):
            self.connection = real

    class NoTrgmCursor:
        def __init__(self, cursor):
            self.cursor = cursor
            self.statements: list[str] = []

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.cursor.close()

        def execute(self, sql, params=None):
            self.statements.append(sql)
            if "pg_available_extensions" in sql:
                sql = "SELECT 1 WHERE false"
            self.cursor.execute(sql, params)

        def fetchone(self):
            return self.cursor.fetchone()

    with schema_context(council_a.schema_name):
        migration.drop_indexes(None, Editor(connection))
        assert _indexes(council_a.schema_name) == set()
        cursors: list[NoTrgmCursor] = []

        class Conn:
            def cursor(self):
                cursors.append(NoTrgmCursor(connection.cursor()))
                return cursors[-1]

        migration.create_indexes(None, Editor(Conn()))
        assert _indexes(council_a.schema_name) == set()
        assert not any("CREATE" in sql for sql in cursors[0].statements)
        if _offered():
            migration.create_indexes(None, Editor(connection))
            assert _indexes(council_a.schema_name) == set(migration.INDEXES)
