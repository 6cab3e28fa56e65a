"""Reporting periods: financial years (``2025-26``), quarters (``2025-26 Q1``), months
(``2025-04``) and dates (``2025-04-30``). UK local government's financial year starts on 1 April.

``parse_period`` is the one place a period label is checked; it returns the period's kind and
its first day (the sort key used everywhere a series is ordered).
"""

import re
from dataclasses import dataclass
from datetime import date

# ASCII digits only: Python's \d also matches fullwidth and Arabic-Indic digits, which int()
# accepts, so "２０２５-２６" would be stored beside "2025-26" as a different period.
_FY_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_QUARTER_RE = re.compile(r"^([0-9]{4})-([0-9]{2}) Q([1-4])$")
_MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_DATE_RE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
# Years a reporting period may start in. Year 0 and 9999's last quarter (which ends in year
# 10000) are not dates at all; nothing a council reports is older or further ahead than this.
MIN_YEAR = 1900
MAX_YEAR = 2200


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    label: str
    kind: str  # "year" | "quarter" | "month" | "date"
    start: date


def _financial_year(first: str, second: str) -> int | None:
    year = int(first)
    if (year + 1) % 100 == int(second):
        return year
    return None


def parse_period(label: str) -> Period:
    """Check a period label and return its kind and first day; raise PeriodError otherwise."""
    if label is not None and not isinstance(label, str):
        raise PeriodError(f"{label!r} is not a period: expected text such as 2025-26")
    text = (label or "").strip()
    period = _parse(label, text)
    if not MIN_YEAR <= period.start.year <= MAX_YEAR:
        raise PeriodError(
            f"{label!r} is outside the years a period may have ({MIN_YEAR} to {MAX_YEAR})"
        )
    return period


def _parse(label, text: str) -> Period:
    if m := _QUARTER_RE.match(text):
        year = _financial_year(m.group(1), m.group(2))
        if year is None:
            raise PeriodError(f"{label!r}: the years of a financial year must follow each other")
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PeriodError(
                f"{label!r} is outside the years a period may have ({MIN_YEAR} to {MAX_YEAR})"
            )
        quarter = int(m.group(3))
        month = 4 + 3 * (quarter - 1)
        return Period(text, "quarter", date(year + (month > 12), (month - 1) % 12 + 1, 1))
    if m := _FY_RE.match(text):
        # "2025-26" is a financial year; "2025-04" a month. Months run 01-12, a financial
        # year's second part is the next year's last two digits: only 2011-12 style overlaps.
        year = _financial_year(m.group(1), m.group(2))
        if year is not None and MIN_YEAR <= year <= MAX_YEAR:
            return Period(text, "year", date(year, 4, 1))
    if m := _MONTH_RE.match(text):
        month = int(m.group(2))
        if 1 <= month <= 12 and int(m.group(1)) >= 1:
            return Period(text, "month", date(int(m.group(1)), month, 1))
    if m := _DATE_RE.match(text):
        try:
            return Period(text, "date", date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError as exc:
            raise PeriodError(f"{label!r} is not a real date") from exc
    raise PeriodError(
        f"{label!r} is not a period: expected a financial year (2025-26), a quarter "
        "(2025-26 Q1), a month (2025-04) or a date (2025-04-30)"
    )
