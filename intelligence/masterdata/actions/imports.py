"""Source CSV imports: people, places and the gazetteer.

The whole file is checked before anything is written. Structural problems (missing or unknown
columns, a wrong number of fields, a missing key, a ``source_id`` twice, an encoding that is not
UTF-8) reject the file with every problem and its line. A field that is impossible (31 February,
a malformed postcode, email, phone or UPRN) is kept as missing with a warning naming its line:
one bad field never loses a person.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from platform_core.audit import log as audit

from .. import normalise as n
from ..models import Source, SourceKind

PEOPLE_COLUMNS = [
    "source_id",
    "first_name",
    "surname",
    "date_of_birth",
    "postcode",
    "address",
    "email",
    "phone",
]
PLACES_COLUMNS = ["source_id", "uprn", "usrn", "address", "postcode"]
GAZETTEER_COLUMNS = ["uprn", "usrn", "address", "postcode"]
REQUIRED = {
    "people": ["source_id", "surname"],
    "places": ["source_id"],
    "gazetteer": ["uprn", "address"],
}
COLUMNS = {"people": PEOPLE_COLUMNS, "places": PLACES_COLUMNS, "gazetteer": GAZETTEER_COLUMNS}
MAX_LENGTHS = {
    "source_id": 100,
    "first_name": 100,
    "surname": 100,
    "address": 300,
    "usrn": 8,
}
MAX_REPORTED = 1000
Progress = Callable[[str, int, int], None]


@dataclass
class ImportResult:
    source: str
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    placed: int = 0
    warnings: list[str] = field(default_factory=list)


def _reject(problems: list[str]):
    listed = problems[:MAX_REPORTED]
    if len(problems) > MAX_REPORTED:
        listed.append(f"... and {len(problems) - MAX_REPORTED} more problems")
    raise ValidationError({"file": listed})


def _decode(data) -> str:
    if hasattr(data, "read"):
        data = data.read()
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        _reject([f"line {line}: unreadable encoding: the file must be UTF-8 text"])
        raise  # unreachable


def parse_rows(data, kind: str) -> tuple[list[tuple[int, dict]], list[str]]:
    """Every row as (line, {column: value}) with impossible fields blanked, and the warnings.
    Raises ValidationError({"file": [...]}) listing every structural problem."""
    text = _decode(data)
    expected = COLUMNS[kind]
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[str] = []
    try:
        header = next(reader, None)
    except csv.Error as exc:
        _reject([f"line 1: {exc}"])
    if not header or not any(h.strip() for h in header):
        _reject(["line 1: the file is empty: expected a header row " + ",".join(expected)])
    header = [h.strip().lower() for h in header]
    unknown = [h for h in header if h not in expected]
    missing = [c for c in REQUIRED[kind] if c not in header]
    repeated = sorted({h for h in header if header.count(h) > 1})
    if unknown:
        problems.append(
            f"line 1: unknown columns: {', '.join(unknown)} (allowed: {', '.join(expected)})"
        )
    if missing:
        problems.append(f"line 1: missing columns: {', '.join(missing)}")
    if repeated:
        problems.append(f"line 1: repeated columns: {', '.join(repeated)}")
    if problems:
        _reject(problems)

    key = "uprn" if kind == "gazetteer" else "source_id"
    rows: list[tuple[int, dict]] = []
    warnings: list[str] = []
    seen: dict[str, int] = {}
    line = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"line {reader.line_num}: {exc}")
            break
        line = reader.line_num
        if not values or (len(values) == 1 and not values[0].strip()):
            continue  # blank line
        if len(values) != len(header):
            problems.append(f"line {line}: expected {len(header)} fields, found {len(values)}")
            continue
        row = {h: v.strip() for h, v in zip(header, values, strict=True)}
        for column in REQUIRED[kind]:
            if not row.get(column):
                problems.append(f"line {line}: {column} is required")
        for column, limit in MAX_LENGTHS.items():
            if len(row.get(column, "")) > limit:
                problems.append(f"line {line}: {column} is longer than {limit} characters")
        ident = row.get(key, "")
        if ident:
            if ident in seen:
                problems.append(f"line {line}: {key} {ident!r} repeats line {seen[ident]}")
            else:
                seen[ident] = line
        _check_fields(kind, row, line, warnings, problems)
        rows.append((line, row))
    if problems:
        _reject(problems)
    return rows, warnings


# Fields that are parsed into their normal form; a value that does not parse is kept as missing
# with a warning (a person is never lost for one bad field).
_PARSED_FIELDS = {
    "people": (
        ("date_of_birth", n.parse_date, "is not a real date (YYYY-MM-DD or DD/MM/YYYY)"),
        ("email", n.parse_email, "is not an email address"),
        ("phone", n.parse_phone, "is not a UK phone number"),
        ("postcode", n.parse_postcode, "is not a UK postcode"),
    ),
}
_POSTCODE_ONLY = (("postcode", n.parse_postcode, "is not a UK postcode"),)


def _check_fields(kind, row, line, warnings, problems):
    def warn(column, what):
        warnings.append(f"line {line}: {column} {row[column]!r} {what}; kept as missing")
        row[column] = ""

    for column, parse, what in _PARSED_FIELDS.get(kind, _POSTCODE_ONLY):
        if row.get(column):
            parsed = parse(row[column])
            if parsed is None:
                warn(column, what)
            else:
                row[column] = parsed
    if kind == "people" and row.get("source_id") and row.get("surname"):
        if not n.name_key(row["surname"]):
            problems.append(f"line {line}: surname {row['surname']!r} has no letters")
    if kind in ("places", "gazetteer"):
        if row.get("uprn") and not n.UPRN_RE.match(row["uprn"]):
            if kind == "gazetteer":
                problems.append(f"line {line}: uprn {row['uprn']!r} must be 1 to 12 digits")
            else:
                warn("uprn", "is not a UPRN (1 to 12 digits)")
        if row.get("usrn") and not n.USRN_RE.match(row["usrn"]):
            warn("usrn", "is not a USRN (1 to 8 digits)")


def ensure_source(name: str, kind: str, *, owner: str = "", trust_rank: int | None = None):
    if kind not in SourceKind.values:
        raise ValidationError({"kind": [f"{kind!r} is not one of: people, places"]})
    source = Source.objects.filter(name=name).first()
    if source is None:
        source = Source(name=name, kind=kind, owner=owner)
        if trust_rank is not None:
            source.trust_rank = trust_rank
        source.full_clean()
        source.save()
        audit.append("masterdata.source.created", source, detail={"kind": kind})
    elif source.kind != kind:
        raise ValidationError({"kind": [f"source {name!r} holds {source.kind}, not {kind}"]})
    return source


def _copy_rows(cursor, table: str, columns: list[str], rows, progress: Progress | None):
    total = len(rows)
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for i, row in enumerate(rows, 1):
            copy.write_row(row)
            if progress and (i % 50_000 == 0 or i == total):
                progress("load", i, total)


def import_source(
    data,
    *,
    source: str,
    kind: str,
    partial: bool = False,
    actor=None,
    owner: str = "",
    trust_rank: int | None = None,
    place: bool = True,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a people or places CSV into ``source`` (created if new). Re-importing updates by
    ``source_id``; a full import removes the source's records missing from the file, a
    ``partial`` one keeps them. New and changed records are placed incrementally when a trained
    model exists and there are few of them (settings.MASTERDATA_INCREMENTAL_LIMIT)."""
    if kind not in SourceKind.values:
        raise ValidationError({"kind": [f"{kind!r} is not one of: people, places"]})
    rows, warnings = parse_rows(data, kind)
    if progress:
        progress("check", len(rows), len(rows))
    with transaction.atomic():
        src = ensure_source(source, kind, owner=owner, trust_rank=trust_rank)
        Source.objects.select_for_update().get(pk=src.pk)
        now = timezone.now()
        if kind == "people":
            changed, result = _load_people(src, rows, partial, now, progress)
        else:
            changed, result = _load_places(src, rows, partial, now, progress)
        result.warnings = warnings
        src.last_imported_at = now
        src.save(update_fields=["last_imported_at"])
        audit.append(
            "masterdata.source.imported",
            src,
            actor=actor,
            detail={
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "removed": result.removed,
                "partial": partial,
                "warnings": len(warnings),
            },
        )
        if place and changed:
            from .matching import place_changed

            result.placed = place_changed(kind, changed, actor=actor)
    return result


def _load_people(src, rows, partial, now, progress):
    columns = [
        "source_id",
        "first_name",
        "surname",
        "date_of_birth",
        "postcode",
        "address",
        "email",
        "phone",
        "first_key",
        "first_canon",
        "surname_key",
        "dob_swapped",
        "sector",
        "district",
    ]
    prepared = []
    for _line, r in rows:
        dob = r.get("date_of_birth") or None
        keys = n.person_keys(r.get("first_name", ""), r["surname"], dob, r.get("postcode", ""))
        prepared.append(
            (
                r["source_id"],
                r.get("first_name", ""),
                r["surname"],
                dob,
                r.get("postcode", ""),
                r.get("address", ""),
                r.get("email", ""),
                r.get("phone", ""),
                keys["first_key"],
                keys["first_canon"],
                keys["surname_key"],
                keys["dob_swapped"],
                keys["sector"],
                keys["district"],
            )
        )
    compared = columns[1:]
    return _upsert(
        "masterdata_personrecord", src, columns, compared, prepared, partial, now, progress
    )


def _load_places(src, rows, partial, now, progress):
    columns = ["source_id", "uprn", "usrn", "address", "postcode", "address_key"]
    prepared = [
        (
            r["source_id"],
            r.get("uprn", ""),
            r.get("usrn", ""),
            r.get("address", ""),
            r.get("postcode", ""),
            n.address_key(r.get("address", "")),
        )
        for _line, r in rows
    ]
    return _upsert(
        "masterdata_placerecord", src, columns, columns[1:], prepared, partial, now, progress
    )


def _upsert(table, src, columns, compared, prepared, partial, now, progress):
    """COPY the file into a temporary table, then one INSERT ... ON CONFLICT that touches only
    new and changed rows; returns their ids. The CSV's ``source_id`` is the ``source_ref`` column."""
    result = ImportResult(source=src.name, kind=src.kind, rows=len(prepared))
    db_columns = ["source_ref" if c == "source_id" else c for c in columns]
    compared = ["source_ref" if c == "source_id" else c for c in compared]
    cols = ", ".join(db_columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE md_import ON COMMIT DROP AS SELECT {cols} FROM {table} WITH NO DATA"  # noqa: S608
        )
        _copy_rows(cursor, "md_import", db_columns, prepared, progress)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in compared)
        differs = " OR ".join(f"t.{c} IS DISTINCT FROM EXCLUDED.{c}" for c in compared)
        cursor.execute(
            f"""INSERT INTO {table} AS t (source_id, {cols}, updated_at)
                SELECT %s, {cols}, %s FROM md_import
                ON CONFLICT (source_id, source_ref) DO UPDATE
                SET {updates}, updated_at = EXCLUDED.updated_at WHERE {differs}
                RETURNING t.id, (xmax = 0) AS created""",  # noqa: S608
            [src.pk, now],
        )
        changed = cursor.fetchall()
        result.created = sum(1 for _, created in changed if created)
        result.updated = len(changed) - result.created
        result.unchanged = len(prepared) - len(changed)
        if not partial:
            result.removed = _remove_missing(cursor, table, src)
        cursor.execute("DROP TABLE md_import")
    return [row_id for row_id, _ in changed], result


def _remove_missing(cursor, table, src) -> int:
    cursor.execute(
        f"""DELETE FROM {table} t WHERE t.source_id = %s
            AND NOT EXISTS (SELECT 1 FROM md_import i WHERE i.source_ref = t.source_ref)
            RETURNING t.golden_id""",  # noqa: S608
        [src.pk],
    )
    removed = cursor.fetchall()
    goldens = {g for (g,) in removed if g is not None}
    if goldens:
        from ..matching.golden import refresh_goldens

        refresh_goldens("people" if "person" in table else "places", goldens)
    return len(removed)
