"""Per-council figures for the platform console (pages, staff users, storage, records, last
activity), gathered with one query per council schema.

The console (tenants) knows no domain app, so each app declares its own figures here, in its
``AppConfig.ready()``, as a scalar SQL sub-query over its own tables:

    from platform_core import councilfigures

    councilfigures.register("records", "records.count", Record, "SELECT count(*) FROM {table}")

``{table}`` is the model's table qualified with the council's schema (``"c_x"."records_record"``)
and ``{schema}`` the quoted schema. Several declarations of one figure are combined: counts and
bytes add up, times take the latest. ``gather(schema)`` runs every declaration as one
``SELECT (…) AS pages, (…) AS records, …`` in that schema; ``cached(schema)`` keeps the answer
briefly under a key that names the council's schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import connection

COUNT = "count"
BYTES = "bytes"
TIME = "time"
KINDS = (COUNT, BYTES, TIME)
CACHE_SECONDS = 60


@dataclass(frozen=True)
class Declaration:
    figure: str
    name: str
    sql: str
    kind: str
    table: str | None


_figures: dict[str, str] = {}  # figure -> kind
_declarations: dict[str, Declaration] = {}


def register(figure: str, name: str, model, sql: str, *, kind: str = COUNT) -> None:
    """Declare (or replace, by ``name``) one contribution to ``figure``. ``model`` (or None)
    gives ``{table}``. All contributions to a figure must be of one kind."""
    if kind not in KINDS:
        raise ValueError(f"unknown figure kind {kind!r}; expected one of {KINDS}")
    if _figures.setdefault(figure, kind) != kind:
        raise ValueError(f"figure {figure!r} is a {_figures[figure]}, not a {kind}")
    table = model._meta.db_table if model is not None else None
    _declarations[name] = Declaration(figure=figure, name=name, sql=sql, kind=kind, table=table)


def figures() -> dict[str, str]:
    """Every declared figure and its kind."""
    return dict(_figures)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def query_for(schema: str) -> str:
    """The one statement that reads every figure of ``schema``."""
    columns = []
    for figure, kind in sorted(_figures.items()):
        parts = []
        for decl in sorted(_declarations.values(), key=lambda d: d.name):
            if decl.figure != figure:
                continue
            table = f"{_quote(schema)}.{_quote(decl.table)}" if decl.table else ""
            parts.append("(" + decl.sql.format(table=table, schema=_quote(schema)) + ")")
        if kind == TIME:
            expression = f"GREATEST({', '.join(parts)})" if len(parts) > 1 else parts[0]
        else:
            expression = " + ".join(f"COALESCE({part}, 0)" for part in parts)
        columns.append(f"{expression} AS {_quote(figure)}")
    return "SELECT " + ", ".join(columns) if columns else "SELECT 1"


def gather(schema: str) -> dict[str, int | datetime | None]:
    """Every figure of one council's schema, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(query_for(schema))
        row = cursor.fetchone()
        names = [column[0] for column in cursor.description]
    if not _figures:
        return {}
    return dict(zip(names, row, strict=True))


def cache_key(schema: str) -> str:
    return f"console:figures:{schema}"


def cached(schema: str) -> dict[str, int | datetime | None]:
    """``gather(schema)``, kept for CACHE_SECONDS under a key naming the council's schema."""
    key = cache_key(schema)
    found = cache.get(key)
    if found is None:
        found = gather(schema)
        cache.set(key, found, CACHE_SECONDS)
    return found


def forget(schema: str) -> None:
    cache.delete(cache_key(schema))
