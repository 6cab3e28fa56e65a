"""Copy a prepared template schema into a new council schema with one SQL script.

Why not django-tenants' ``clone_schema``: its PL/pgSQL walks the catalogues for every council
(about 0.45 s here) and is followed by a faked ``migrate_schemas`` run. The template changes only
when migrations run, so we read the catalogues once, keep the resulting script in memory keyed by
the template's fingerprint, and replay it for each council: tables (columns, defaults, identity),
rows, sequence positions, then constraints and indexes with their original names (so later
migrations that drop an index by name work on cloned councils too).
"""

from dataclasses import dataclass

from platform_core.db import connection

_SCRIPTS: dict[tuple, "CloneScript"] = {}


@dataclass(frozen=True)
class CloneScript:
    """Three parts, each run with search_path set to the new schema: the tables, the
    template's rows (with the identity sequences' positions), and the constraints and
    indexes."""

    template: str
    tables: str
    rows: str
    constraints: str

    @property
    def sql(self) -> str:
        return "\n".join(part for part in (self.tables, self.rows, self.constraints) if part)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def template_fingerprint(template: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), coalesce(max(id), 0), (SELECT coalesce(max(version), 0) FROM {_q(template)}.platform_template_version) "  # noqa: S608
            f"FROM {_q(template)}.django_migrations"
        )
        return (template, *cursor.fetchone())


def _build_script(template: str) -> CloneScript:
    statements: list[str] = []
    row_statements: list[str] = []
    constraint_statements: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = %s""",
            [template],
        )
        if cursor.fetchone()[0]:
            raise RuntimeError(
                f"template schema {template} has functions; cloning does not copy them"
            )
        cursor.execute(
            """SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = %s AND c.relkind IN ('v', 'm', 'p', 'f')""",
            [template],
        )
        unsupported = cursor.fetchall()
        if unsupported:
            raise RuntimeError(
                f"template schema {template} has relations cloning does not copy: {unsupported}"
            )

        cursor.execute(
            """SELECT c.oid, c.relname, c.reltuples FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname""",
            [template],
        )
        tables = cursor.fetchall()
        src = _q(template)
        for _oid, table, _tuples in tables:
            statements.append(
                f"CREATE TABLE {_q(table)} (LIKE {src}.{_q(table)} INCLUDING DEFAULTS INCLUDING IDENTITY "
                "INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS)"
            )
        # Rows: only tables that hold any.
        for oid, table, _tuples in tables:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {src}.{_q(table)})")  # noqa: S608
            if not cursor.fetchone()[0]:
                continue
            cursor.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s AND attnum > 0 "
                "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
                [oid],
            )
            cols = ", ".join(_q(r[0]) for r in cursor.fetchall())
            row_statements.append(
                f"INSERT INTO {_q(table)} ({cols}) OVERRIDING SYSTEM VALUE SELECT {cols} FROM {src}.{_q(table)}"  # noqa: S608
            )
        # Identity sequences continue where the template's stopped.
        cursor.execute(
            """SELECT c.relname, a.attname, s.relname FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attidentity <> ''
               JOIN pg_depend d ON d.refobjid = c.oid AND d.refobjsubid = a.attnum AND d.deptype = 'i'
               JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
               WHERE n.nspname = %s""",
            [template],
        )
        for table, column, seq in cursor.fetchall():
            cursor.execute(f"SELECT last_value, is_called FROM {src}.{_q(seq)}")  # noqa: S608
            last_value, is_called = cursor.fetchone()
            if is_called:
                row_statements.append(
                    f"SELECT setval(pg_get_serial_sequence('{_q(table)}', '{column}'), {int(last_value)}, true)"
                )
        # Constraints and indexes, with the template's names; definitions are read with the
        # template on the search path so that they come out unqualified.
        cursor.execute(f"SET search_path TO {src}")
        try:
            cursor.execute(
                """SELECT c.relname, con.conname, pg_get_constraintdef(con.oid), con.contype
                   FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
                   JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = %s AND con.contype IN ('p', 'u', 'c', 'x', 'f')
                   ORDER BY CASE con.contype WHEN 'f' THEN 1 ELSE 0 END, c.relname, con.conname""",
                [template],
            )
            for table, name, definition, _kind in cursor.fetchall():
                constraint_statements.append(
                    f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}"
                )
            cursor.execute(
                """SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
                   JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = %s AND NOT EXISTS (
                       SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid
                         AND con.conrelid = i.indrelid)""",
                [template],
            )
            # pg_get_indexdef always qualifies the table; point it at the new schema instead.
            for (definition,) in cursor.fetchall():
                for prefix in (
                    f" ON {template}.",
                    f" ON {src}.",
                    f" ON ONLY {template}.",
                    f" ON ONLY {src}.",
                ):
                    definition = definition.replace(prefix, prefix.rsplit(" ", 1)[0] + " ", 1)
                if template in definition:
                    raise RuntimeError(f"cannot re-target index definition: {definition}")
                constraint_statements.append(definition)
        finally:
            _restore_search_path()

    def script(parts: list[str]) -> str:
        return "".join(f"{statement};\n" for statement in parts)

    return CloneScript(
        template=template,
        tables=script(statements),
        rows=script(row_statements),
        constraints=script(constraint_statements),
    )


def clone_script(template: str) -> CloneScript:
    key = template_fingerprint(template)
    script = _SCRIPTS.get(key)
    if script is None:
        _SCRIPTS.clear()
        script = _SCRIPTS[key] = _build_script(template)
    return script


def clone_schema(template: str, new_schema: str, *, rows: bool = True) -> None:
    """Create ``new_schema`` as a copy of ``template`` (tables, rows, sequences, constraints, indexes).
    ``rows=False`` copies the structure only (empty tables, sequences at their start): a restore
    loads every table from its archive.

    Runs inside the caller's transaction: PostgreSQL DDL is transactional, so a failure later in
    provisioning leaves no schema behind.
    """
    script = clone_script(template)
    sql = script.sql if rows else script.tables + script.constraints
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {_q(new_schema)}")
        cursor.execute(f"SET search_path TO {_q(new_schema)}")
        try:
            cursor.execute(sql)
        finally:
            _restore_search_path()


def _restore_search_path() -> None:
    """We changed search_path behind django-tenants' back: make it set it again on next use."""
    connection.set_tenant(connection.tenant)
