"""Statistical disclosure control for what councils publish to the pool (the "10-5 rule").

- A count under 10 is suppressed; other counts are rounded to the nearest 5.
- Numerators and denominators are counts: under 10 suppressed, otherwise rounded to the nearest 5.
- A rate or percentage whose denominator is under 10 is suppressed. So is one whose numerator is
  under 10: publishing the rate with a known denominator would give the small count away.
- Currency and score values describe no group of people and are published as they are.
"""

from dataclasses import dataclass

THRESHOLD = 10
ROUND_TO = 5


@dataclass(frozen=True)
class Cell:
    value: float | None
    numerator: float | None
    denominator: float | None
    suppressed: bool


def round_to_5(value: float) -> float:
    # Round half up (12.5 -> 15), never Python's banker's rounding.
    return float(int(value / ROUND_TO + 0.5) * ROUND_TO) if value >= 0 else -round_to_5(-value)


def _count(value: float | None) -> tuple[float | None, bool]:
    """(published count, was it suppressed)."""
    if value is None:
        return None, False
    if value < THRESHOLD:
        return None, True
    return round_to_5(value), False


SUPPRESSED = Cell(None, None, None, True)


def protect(kind: str, value: float, numerator: float | None, denominator: float | None) -> Cell:
    numerator_out, numerator_small = _count(numerator)
    denominator_out, denominator_small = _count(denominator)
    if kind == "count":
        if value < THRESHOLD or numerator_small or denominator_small:
            return SUPPRESSED
        return Cell(round_to_5(value), numerator_out, denominator_out, False)
    if kind in ("rate", "percentage"):
        if numerator_small or denominator_small:
            return SUPPRESSED
        return Cell(value, numerator_out, denominator_out, False)
    # currency, score: no people are counted, only the supporting counts are protected.
    return Cell(
        value,
        None if numerator_small else numerator_out,
        None if denominator_small else denominator_out,
        False,
    )
