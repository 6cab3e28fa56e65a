"""Writes to a council's warehouse: metrics, KPIs and targets, areas, and observation imports.

Every function runs in the current council's schema (the request's or ``schema_context``).
"""

import csv
import io
import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from .models import AREA_PREFIXES, Area, ImportBatch, Kpi, KpiTarget, Metric
from .periods import PeriodError, parse_period
from .tenancy import current_council_code

CSV_COLUMNS = ["metric_id", "area_code", "period", "value", "numerator", "denominator"]
REQUIRED_COLUMNS = CSV_COLUMNS[:4]
MAX_REPORTED_ERRORS = 1000


# --- Metrics, areas and KPIs ------------------------------------------------------------------
def save_metric(*, metric: Metric | None = None, **fields) -> Metric:
    metric = metric or Metric()
    for name, value in fields.items():
        setattr(metric, name, value)
    metric.full_clean()
    metric.save()
    return metric


def delete_metric(metric: Metric) -> None:
    metric.delete()


def save_area(*, code: str, name: str, kind: str, parent_code: str = "") -> Area:
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


def _number(text: str, name: str, required: bool) -> float | None:
    text = text.strip()
    if text == "":
        if required:
            raise ValueError(f"{name} is empty")
        return None
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{name} {text!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} {text!r} is not a finite number")
    return number


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
            metric_id, area_code, period_label, value_text = (c.strip() for c in record[:4])
            metric_pk = metrics.get(metric_id)
            if metric_pk is None:
                problems.append(f"unknown metric_id {metric_id!r}")
            ok_area = area_cache.get(area_code)
            if ok_area is None:
                ok_area = area_cache[area_code] = _area_allowed(area_code, council_code)
            if not ok_area:
                problems.append(
                    f"area_code {area_code!r} is not this council ({council_code}) or a ward (E05) "
                    "or LSOA (E01) GSS code"
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
                    numbers.append(_number(text, name, required))
                except ValueError as exc:
                    problems.append(str(exc))
            if not problems:
                numerator, denominator = numbers[1], numbers[2]
                if denominator is not None and denominator <= 0:
                    problems.append("denominator must be greater than 0")
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


def _area_allowed(code: str, council_code: str | None) -> bool:
    if council_code and code == council_code:
        return True
    return len(code) == 9 and code[:3] in AREA_PREFIXES and code[3:].isdigit()


def import_observations(
    source, *, filename: str = "", user=None, council_code: str | None = None
) -> ImportResult:
    """Validate the whole CSV first; if any row is bad raise ImportErrors listing every bad row
    (with its line number) and import nothing. Otherwise load every row in one transaction with
    PostgreSQL COPY into a temporary table and one INSERT ... ON CONFLICT (new periods are
    added, re-imported ones replaced).

    ``source`` is text, bytes, or a file-like object of either.
    """
    if council_code is None:
        council_code = current_council_code()
    lines = _text_lines(source)
    rows, errors, truncated = validate_observations(lines, council_code)
    if errors:
        raise ImportErrors(errors=errors, truncated=truncated)
    with transaction.atomic():
        created, updated = _bulk_load(rows)
        batch = ImportBatch.objects.create(
            filename=filename[:255],
            rows=len(rows),
            created=created,
            updated=updated,
            imported_by=user if getattr(user, "is_authenticated", False) else None,
        )
    return ImportResult(rows=len(rows), created=created, updated=updated, batch_id=batch.pk)


def _text_lines(source):
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, bytes):
        source = source.decode("utf-8-sig")
    elif source.startswith("\ufeff"):
        source = source[1:]
    return io.StringIO(source, newline="")


def _bulk_load(rows: list[tuple]) -> tuple[int, int]:
    if not rows:
        return 0, 0
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE warehouse_import (metric_id bigint, area_code varchar(9), "
            "period varchar(20), period_kind varchar(10), period_start date, value double precision, "
            "numerator double precision, denominator double precision) ON COMMIT DROP"
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
