"""Invoice arithmetic: Decimal throughout, pence-exact.

Each line's amount is rounded to the penny (half up); VAT is worked out once, on the invoice's
subtotal at ``VAT_RATE`` and rounded to the penny (half up), as HMRC allows for a VAT invoice
("VAT Guide" 16.6: round the total VAT to the nearest penny); the total is the subtotal plus
the VAT, so the printed figures always add up.
"""

from __future__ import annotations

import math
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

VAT_RATE = Decimal("0.20")
PENNY = Decimal("0.01")


def pence(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    """``quantity`` × ``unit_price`` / ``per`` (``per``: a daily rate is the monthly price per
    day of the month), rounded once, to the penny."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    per: int = 1

    @property
    def amount(self) -> Decimal:
        return pence(self.quantity * self.unit_price / Decimal(self.per))

    @property
    def shown_unit_price(self) -> Decimal:
        """The unit price as printed (four places where it is a daily rate)."""
        if self.per == 1:
            return self.unit_price
        return (self.unit_price / Decimal(self.per)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    vat: Decimal
    total: Decimal


def totals(lines: list[Line], vat_rate: Decimal = VAT_RATE) -> Totals:
    subtotal = sum((line.amount for line in lines), Decimal("0.00"))
    vat = pence(subtotal * vat_rate)
    return Totals(subtotal=subtotal, vat=vat, total=subtotal + vat)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(period: date) -> date:
    return period.replace(day=monthrange(period.year, period.month)[1])


def previous_month(period: date) -> date:
    return (period.replace(day=1) - timedelta(days=1)).replace(day=1)


def parse_period(text: str) -> date:
    """``YYYY-MM`` → the month's first day; ValueError naming what was expected."""
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{text!r} is not a month: expected YYYY-MM, e.g. 2026-11.") from exc


def subscribed_days(period: date, started_on: date) -> tuple[int, int]:
    """(days of ``period`` the subscription covered, days in the month)."""
    days = monthrange(period.year, period.month)[1]
    end = month_end(period)
    if started_on > end:
        return 0, days
    first = max(started_on, period)
    return (end - first).days + 1, days


def overage_thousands(quantity: int, quota: int) -> int:
    """Whole (started) thousands over the quota."""
    return math.ceil(max(0, quantity - quota) / 1000)
