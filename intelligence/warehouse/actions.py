"""Writes to a council's warehouse: metrics, KPIs and targets, areas, and observation imports.

Every function runs in the current council's schema (the request's or ``schema_context``).
"""

import csv
import io
import re
from dataclasses import dataclass, field

import psycopg
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, ProgrammingError, connection, transaction

from platform_core.periods import PeriodError, parse_period
from tenants.access import current_council_code

from . import import_rules as rules
from .models import AREA_PREFIXES, Area, AreaKind, ImportBatch, Kpi, KpiTarget, Metric

CSV_COLUMNS = ["metric_id", "area_code", "period", "value", "numerator", "denominator"]
REQUIRED_COLUMNS = CSV_COLUMNS[:4]
MAX_REPORTED_ERRORS = 1000


# --- Metrics, areas and KPIs ------------------------------------------------------------------
def save_metric(*, metric: Metric | None = None, **fields) -> Metric:
    metric = metric or Metric()
    for name, value in fields.items():
        setattr(metric, name, value)
    metric.full_clean()
    if metric.shared or metric.pool_metric:
        from .pool import check_mapping

        metric.pool_metric = check_mapping(metric)
    metric.save()
    return metric


def save_or_update_metric(*, metric_id: str, **fields) -> Metric:
    """Create the metric ``metric_id`` or update it: for apps that own a metric they publish
    (master data's distinct counts)."""
    existing = Metric.objects.filter(metric_id=metric_id).first()
    return save_metric(metric=existing, metric_id=metric_id, **fields)


def delete_metric(metric: Metric) -> None:
    metric.delete()


AREA_CODE_RE = re.compile(r"^[EWSN][0-9]{8}$")  # ASCII digits: \d takes fullwidth ones
# Which kinds of area may contain which: a ward sits in the council, an LSOA in a ward or
# (LSOAs do not nest exactly in wards) directly in the council.
PARENT_KINDS = {AreaKind.WARD: {AreaKind.COUNCIL}, AreaKind.LSOA: {AreaKind.WARD, AreaKind.COUNCIL}}


def validate_area(*, code: str, kind: str, parent_code: str = "") -> None:
    """A council's area: its own GSS code (kind council, no parent), or a ward or LSOA code
    whose prefix says that kind (E05 ward, E01 LSOA, ...) with an existing, larger parent."""
    council_code = current_council_code()
    if not AREA_CODE_RE.match(code or ""):
        raise ValidationError({"code": f"{code!r} is not a GSS code (a letter and 8 digits)"})
    if code == council_code:
        expected = AreaKind.COUNCIL
    elif code[:3] in AREA_PREFIXES:
        expected = AREA_PREFIXES[code[:3]]
    else:
        raise ValidationError(
            {
                "code": f"{code!r} is neither this council ({council_code}) nor a ward or LSOA "
                f"code (prefixes {', '.join(sorted(AREA_PREFIXES))})"
            }
        )
    if kind != expected:
        raise ValidationError({"kind": f"{code} is a {expected.label.lower()} code, not {kind!r}"})
    if expected == AreaKind.COUNCIL:
        if parent_code:
            raise ValidationError({"parent_code": "the council itself has no parent area"})
        return
    if not parent_code:
        return
    if parent_code == council_code:
        parent_kind = AreaKind.COUNCIL
    else:
        parent = Area.objects.filter(code=parent_code).only("kind").first()
        if parent is None:
            raise ValidationError(
                {"parent_code": f"{parent_code!r} is not this council or one of its areas"}
            )
        parent_kind = parent.kind
    if parent_kind not in PARENT_KINDS[expected]:
        raise ValidationError(
            {"parent_code": f"a {expected.label.lower()} cannot sit inside a {parent_kind}"}
        )


def save_area(*, code: str, name: str, kind: str, parent_code: str = "") -> Area:
    validate_area(code=code, kind=kind, parent_code=parent_code)
    area, _ = Area.objects.update_or_create(
        code=code, defaults={"name": name, "kind": kind, "parent_code": parent_code}
    )
    return area


@transaction.atomic
def save_kpi(
    *,
    metric: Metric,
    title: str = "",
    amber_tolerance_percent: float = 5.0,
    order: int = 0,
    targets: dict[str, float] | None = None,
) -> Kpi:
    """Make ``metric`` a KPI (or update it) with targets per period ({"2025-26": 80.0})."""
    errors = {}
    for period in targets or {}:
        try:
            parse_period(period)
        except PeriodError as exc:
            errors.setdefault("targets", []).append(str(exc))
    if amber_tolerance_percent < 0:
        errors["amber_tolerance_percent"] = ["must be 0 or more"]
    if errors:
        raise ValidationError(errors)
    kpi, _ = Kpi.objects.update_or_create(
        metric=metric,
        defaults={
            "title": title,
            "amber_tolerance_percent": amber_tolerance_percent,
            "order": order,
        },
    )
    for period, target in (targets or {}).items():
        KpiTarget.objects.update_or_create(kpi=kpi, period=period, defaults={"target": target})
    return kpi


def save_kpi_target(
    *, kpi: Kpi, period: str, target: float, existing: KpiTarget | None = None
) -> KpiTarget:
    """Set the KPI's target for a period (``existing``: the target row being edited, which may
    move to another period). The period must be one ``parse_period`` reads; one target per
    (KPI, period)."""
    try:
        label = parse_period(period).label
    except PeriodError as exc:
        raise ValidationError({"period": [str(exc)]}) from None
    clash = KpiTarget.objects.filter(kpi=kpi, period=label)
    if existing is not None and existing.pk:
        clash = clash.exclude(pk=existing.pk)
    if clash.exists():
        raise ValidationError({"period": [f"{kpi} already has a target for {label}"]})
    row = existing or KpiTarget()
    row.kpi, row.period, row.target = kpi, label, target
    row.save()
    return row


def delete_kpi_target(target: KpiTarget) -> None:
    target.delete()


def delete_kpi(kpi: Kpi) -> None:
    kpi.delete()


# --- Imports ----------------------------------------------------------------------------------
@dataclass
class ImportResult:
    rows: int
    created: int
    updated: int
    batch_id: int | None = None


@dataclass
class ImportErrors(Exception):
    """The file failed validation: ``errors`` is a list of (line number, reason)."""

    errors: list[tuple[int, str]] = field(default_factory=list)
    truncated: bool = False

    def __str__(self):
        lines = [f"line {line}: {reason}" for line, reason in self.errors]
        more = " (more errors not shown)" if self.truncated else ""
        return f"{len(self.errors)} bad row(s){more}:\n" + "\n".join(lines)


def validate_observations(
    text_lines, council_code: str | None
) -> tuple[list[tuple], list[tuple[int, str]], bool]:
    """Check every row of a CSV; return (rows ready to load, errors, errors truncated).

    A row is (metric pk, area_code, period, period_kind, period_start, value, numerator,
    denominator). Line numbers count the header as line 1.
    """
    reader = csv.reader(text_lines)
    errors: list[tuple[int, str]] = []
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return [], [(1, "the file is empty: expected a header row " + ",".join(CSV_COLUMNS))], False
    except csv.Error as exc:
        return [], [(1, f"unreadable CSV: {exc}")], False
    if header not in (REQUIRED_COLUMNS, CSV_COLUMNS):
        return (
            [],
            [
                (
                    1,
                    "the header must be "
                    + ",".join(REQUIRED_COLUMNS)
                    + "[,numerator,denominator], "
                    "got " + ",".join(header),
                )
            ],
            False,
        )
    width = len(header)
    metrics = dict(Metric.objects.values_list("metric_id", "pk"))
    period_cache: dict[str, object] = {}
    area_cache: dict[str, bool] = {}
    seen: dict[tuple, int] = {}
    rows = []
    truncated = False
    line = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line = reader.line_num
            errors.append((line, f"unreadable CSV: {exc}"))
            break
        line = reader.line_num
        if not record or (len(record) == 1 and not record[0].strip()):
            continue  # blank line
        problems = []
        if not len(REQUIRED_COLUMNS) <= len(record) <= width:
            expected = str(width) if width == len(REQUIRED_COLUMNS) else f"4 to {width}"
            problems.append(f"expected {expected} columns, found {len(record)}")
        else:
            metric_id, area_code, period_label, value_text = (rules.clean(c) for c in record[:4])
            metric_pk = metrics.get(metric_id)
            if metric_pk is None:
                problems.append(f"unknown metric_id {metric_id!r}")
            ok_area = area_cache.get(area_code)
            if ok_area is None:
                ok_area = area_cache[area_code] = rules.area_allowed(area_code, council_code)
            if not ok_area:
                problems.append(
                    rules.AREA_MESSAGE.format(code=rules.quoted(area_code), council=council_code)
                )
            period = period_cache.get(period_label)
            if period is None:
                try:
                    period = period_cache[period_label] = parse_period(period_label)
                except PeriodError as exc:
                    problems.append(str(exc))
            numbers = []
            for name, text, required in (
                ("value", value_text, True),
                ("numerator", record[4] if len(record) > 4 else "", False),
                ("denominator", record[5] if len(record) > 5 else "", False),
            ):
                try:
                    numbers.append(rules.number(text, name, required))
                except ValueError as exc:
                    problems.append(str(exc))
            if not problems:
                numerator, denominator = numbers[1], numbers[2]
                if denominator is not None and denominator <= 0:
                    problems.append(rules.DENOMINATOR)
                key = (metric_pk, area_code, period.label)
                if key in seen:
                    problems.append(f"duplicate of line {seen[key]} (same metric, area and period)")
                else:
                    seen[key] = line
            if not problems:
                rows.append(
                    (
                        metric_pk,
                        area_code,
                        period.label,
                        period.kind,
                        period.start,
                        numbers[0],
                        numerator,
                        denominator,
                    )
                )
        if problems:
            if len(errors) >= MAX_REPORTED_ERRORS:
                truncated = True
            else:
                errors.append((line, "; ".join(problems)))
    return rows, errors, truncated


PREVIEW_ROWS = 10


@dataclass
class ImportCheck:
    """What a file would import, judged without writing anything: the header, its first rows
    as read, the number of data rows, and every bad row (line, reason)."""

    header: list[str]
    preview: list[list[str]]
    rows: int
    errors: list[tuple[int, str]]
    truncated: bool

    @property
    def ok(self) -> bool:
        return not self.errors


def check_observations(source, *, council_code: str | None = None) -> ImportCheck:
    """Validate a CSV with the import's rules (the row-by-row validator, which judges every file
    as the in-database one does: tests/test_import_rules.py) and write nothing. For the admin's
    preview before an import. Raises UnicodeDecodeError for a file that is not UTF-8."""
    if council_code is None:
        council_code = current_council_code()
    text = _text(source)
    preview: list[list[str]] = []
    header: list[str] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, [])
        for record in reader:
            if len(preview) >= PREVIEW_ROWS:
                break
            preview.append(record)
    except csv.Error:
        pass  # the validator names the unreadable line
    rows, errors, truncated = validate_observations(io.StringIO(text, newline=""), council_code)
    return ImportCheck(header, preview, len(rows), errors, truncated)


def import_observations(
    source,
    *,
    filename: str = "",
    user=None,
    council_code: str | None = None,
    in_database: bool | None = None,
) -> ImportResult:
    """Validate the whole CSV first; if any row is bad raise ImportErrors listing every bad row
    (with its line number) and import nothing. Otherwise load every row in one transaction (new
    periods are added, re-imported ones replaced).

    Two ways to validate, with the same rules and messages:
    - in the database (the fast path, used when the file has no quote characters): the raw file
      is copied with PostgreSQL COPY into a temporary table of text columns, one SQL query finds
      every bad row, and one INSERT ... SELECT loads the good file;
    - in Python, row by row (files with quoting, or whose shape COPY refuses: wrong column
      counts, blank lines), then COPY of the checked rows.

    ``source`` is text, bytes, or a file-like object of either.
    """
    if council_code is None:
        council_code = current_council_code()
    text = _text(source)
    if in_database is None:
        in_database = '"' not in text
    with transaction.atomic():
        result = _import_in_database(text, council_code) if in_database else None
        if result is None:
            rows, errors, truncated = validate_observations(
                io.StringIO(text, newline=""), council_code
            )
            if errors:
                raise ImportErrors(errors=errors, truncated=truncated)
            created, updated = _bulk_load(rows)
            result = (len(rows), created, updated)
        count, created, updated = result
        batch = ImportBatch.objects.create(
            filename=filename[:255],
            rows=count,
            created=created,
            updated=updated,
            imported_by=user if getattr(user, "is_authenticated", False) else None,
        )
    return ImportResult(rows=count, created=created, updated=updated, batch_id=batch.pk)


def _import_in_database(text: str, council_code: str | None) -> tuple[int, int, int] | None:
    """The fast path. Returns (rows, created, updated), raises ImportErrors, or returns None when
    the file's shape needs the row-by-row validator (nothing has been written then)."""
    header_line, _, _ = text.partition("\n")
    try:
        header = [h.strip().lower() for h in next(csv.reader([header_line]))]
    except (StopIteration, csv.Error):
        return None
    if header not in (REQUIRED_COLUMNS, CSV_COLUMNS):
        return None
    columns = header
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT warehouse_import_copy")
        cursor.execute(
            "CREATE TEMPORARY TABLE warehouse_import_raw (line bigint GENERATED ALWAYS AS "
            "IDENTITY (START WITH 2), metric_id text, area_code text, period text, "
            "value text, numerator text, denominator text) ON COMMIT DROP"
        )
        try:
            with cursor.cursor.copy(
                f"COPY warehouse_import_raw ({', '.join(columns)}) FROM STDIN "
                "WITH (FORMAT csv, HEADER true)"
            ) as copy:
                data = text.encode()
                for offset in range(0, len(data), 1 << 20):
                    copy.write(data[offset : offset + (1 << 20)])
        except Exception:  # noqa: BLE001 - any refusal by COPY means: check row by row
            cursor.execute("ROLLBACK TO SAVEPOINT warehouse_import_copy")
            return None
        cursor.execute("RELEASE SAVEPOINT warehouse_import_copy")
        # Periods: few distinct labels, each checked by the one parser.
        cursor.execute(f"SELECT DISTINCT {rules.sql_trim('period')} FROM warehouse_import_raw")  # noqa: S608
        periods = []
        for (label,) in cursor.fetchall():
            try:
                period = parse_period(label or "")
                periods.append((label, period.kind, period.start, None))
            except PeriodError as exc:
                periods.append((label, None, None, str(exc)))
        cursor.execute(
            "CREATE TEMPORARY TABLE warehouse_import_period (label text PRIMARY KEY, kind text, "
            "start date, problem text) ON COMMIT DROP"
        )
        with cursor.cursor.copy(
            "COPY warehouse_import_period (label, kind, start, problem) FROM STDIN"
        ) as copy:
            for row in periods:
                copy.write_row(row)
        area = rules.sql_trim("r.area_code")
        denominator_positive = (
            f"CASE WHEN {rules.sql_matches(rules.sql_trim('r.denominator'), rules.NUMBER)} "
            f"THEN CASE WHEN {rules.sql_number('denominator')} <= 0 "
            f"THEN '{rules.DENOMINATOR}' END END"
        )
        area_message = rules.AREA_MESSAGE.format(code="%%L", council="%%s")
        cursor.execute("SAVEPOINT warehouse_import_check")
        try:
            cursor.execute(
                f"""
                WITH checked AS (
                  SELECT r.line, array_remove(ARRAY[
                    CASE WHEN m.id IS NULL
                         THEN format('unknown metric_id %%L', {rules.sql_trim("r.metric_id")}) END,
                    CASE WHEN {area} = %(council)s OR {rules.sql_matches(area, rules.AREA_CODE)}
                         THEN NULL
                         ELSE format('{area_message}', {area}, coalesce(%(council)s, 'None')) END,
                    p.problem,
                    {rules.sql_number_problem("value", True)},
                    {rules.sql_number_problem("numerator", False)},
                    {rules.sql_number_problem("denominator", False)},
                    {denominator_positive}
                  ], NULL) AS problems
                  FROM warehouse_import_raw r
                  LEFT JOIN warehouse_metric m ON m.metric_id = {rules.sql_trim("r.metric_id")}
                  LEFT JOIN warehouse_import_period p ON p.label = {rules.sql_trim("r.period")}
                  -- Cheap test first: the reasons above are only built for rows that fail it.
                  WHERE m.id IS NULL OR p.problem IS NOT NULL
                     OR NOT {rules.sql_row_may_pass("%(council)s")}
                )
                SELECT line, array_to_string(problems, '; ') FROM checked
                WHERE cardinality(problems) > 0 ORDER BY line LIMIT %(limit)s
                """,  # noqa: S608 - built from constants; values are parameters
                {"council": council_code, "limit": MAX_REPORTED_ERRORS + 1},
            )
        except DataError:
            # A number too large for a double: the row-by-row path reports it.
            cursor.execute("ROLLBACK TO SAVEPOINT warehouse_import_check")
            return None
        problems = {int(line): [reason] for line, reason in cursor.fetchall()}
        cursor.execute("RELEASE SAVEPOINT warehouse_import_check")
        if problems:
            _report(problems, _duplicates(cursor))
        # The metrics loaded cannot be deleted until this commits (what a foreign key would do).
        cursor.execute(
            "SELECT id FROM warehouse_metric WHERE metric_id IN "
            "(SELECT DISTINCT btrim(metric_id, E' \\t') FROM warehouse_import_raw) FOR KEY SHARE"
        )
        # Nothing to replace (the usual first load of a period): a plain INSERT; otherwise an
        # upsert. Duplicate rows in the file make either fail, and only then are they looked
        # for, so a good file is not aggregated twice.
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM warehouse_observation WHERE metric_id IN "
            "(SELECT id FROM warehouse_metric WHERE metric_id IN "
            "(SELECT DISTINCT btrim(metric_id, E' \\t') FROM warehouse_import_raw)))"
        )
        replacing = cursor.fetchone()[0]
        select = (
            f"SELECT m.id, {area}, p.label, p.kind, p.start, {rules.sql_number('value')}, "  # noqa: S608
            f"{rules.sql_number('numerator')}, {rules.sql_number('denominator')} "
            "FROM warehouse_import_raw r "
            "JOIN warehouse_metric m ON m.metric_id = btrim(r.metric_id, E' \\t') "
            "JOIN warehouse_import_period p ON p.label = btrim(r.period, E' \\t')"
        )
        columns = (
            "metric_id, area_code, period, period_kind, period_start, value, numerator, denominator"
        )
        cursor.execute("SAVEPOINT warehouse_import_insert")
        try:
            if replacing:
                cursor.execute(
                    f"WITH ins AS (INSERT INTO warehouse_observation AS o ({columns}) {select} "  # noqa: S608
                    "ON CONFLICT (metric_id, area_code, period) DO UPDATE SET value = EXCLUDED.value, "
                    "numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator "
                    "RETURNING (xmax = 0) AS created) "
                    "SELECT count(*) FILTER (WHERE created), count(*) FROM ins"
                )
                created, total = cursor.fetchone()
            else:
                cursor.execute(f"INSERT INTO warehouse_observation ({columns}) {select}")  # noqa: S608
                total = created = cursor.rowcount
        except DataError:
            # A number that passes the rules but is too large for a double: the row-by-row
            # path reports it (as not finite).
            cursor.execute("ROLLBACK TO SAVEPOINT warehouse_import_insert")
            cursor.execute("DROP TABLE warehouse_import_raw, warehouse_import_period")
            return None
        except (IntegrityError, ProgrammingError) as exc:
            cause = exc.__cause__
            if not isinstance(
                cause, psycopg.errors.UniqueViolation | psycopg.errors.CardinalityViolation
            ):
                raise
            cursor.execute("ROLLBACK TO SAVEPOINT warehouse_import_insert")
            duplicates = _duplicates(cursor)
            if not duplicates:
                raise  # a concurrent import of the same keys, not a fault of this file
            _report({}, duplicates)
        cursor.execute("DROP TABLE warehouse_import_raw, warehouse_import_period")
    return total, created, total - created


def _duplicates(cursor) -> dict[int, list[str]]:
    cursor.execute(
        "SELECT min(line), array_agg(line ORDER BY line) FROM warehouse_import_raw "
        "GROUP BY btrim(metric_id, E' \\t'), btrim(area_code, E' \\t'), btrim(period, E' \\t') HAVING count(*) > 1"
    )
    found: dict[int, list[str]] = {}
    for first, lines in cursor.fetchall():
        for line in lines[1:]:
            found[int(line)] = [f"duplicate of line {first} (same metric, area and period)"]
    return found


def _report(problems: dict[int, list[str]], duplicates: dict[int, list[str]]):
    for line, reasons in duplicates.items():
        problems.setdefault(line, []).extend(reasons)
    errors = [(line, "; ".join(reasons)) for line, reasons in sorted(problems.items())]
    raise ImportErrors(
        errors=errors[:MAX_REPORTED_ERRORS], truncated=len(errors) > MAX_REPORTED_ERRORS
    )


def _text(source) -> str:
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, bytes):
        return source.decode("utf-8-sig")
    return source[1:] if source.startswith("\ufeff") else source


def _bulk_load(rows: list[tuple]) -> tuple[int, int]:
    if not rows:
        return 0, 0
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE warehouse_import (metric_id bigint, area_code varchar(9), "
            "period varchar(20), period_kind varchar(10), period_start date, value double precision, "
            "numerator double precision, denominator double precision) ON COMMIT DROP"
        )
        cursor.execute(
            "SELECT id FROM warehouse_metric WHERE id = ANY(%s) FOR KEY SHARE",
            [sorted({r[0] for r in rows})],
        )
        raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
        with raw.copy(
            "COPY warehouse_import (metric_id, area_code, period, period_kind, period_start, value, "
            "numerator, denominator) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            "WITH ins AS (INSERT INTO warehouse_observation AS o (metric_id, area_code, period, "
            "period_kind, period_start, value, numerator, denominator) "
            "SELECT metric_id, area_code, period, period_kind, period_start, value, numerator, "
            "denominator FROM warehouse_import "
            "ON CONFLICT (metric_id, area_code, period) DO UPDATE SET value = EXCLUDED.value, "
            "numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator "
            "RETURNING (xmax = 0) AS created) "
            "SELECT count(*) FILTER (WHERE created), count(*) FROM ins"
        )
        created, total = cursor.fetchone()
        cursor.execute("DROP TABLE warehouse_import")
    return created, total - created
