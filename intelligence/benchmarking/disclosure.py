"""Statistical disclosure control for what councils publish to the pool (the "10-5 rule").

- A count under 10 is suppressed; other counts are rounded to the nearest 5.
- Numerators and denominators are counts: under 10 suppressed, otherwise rounded to the nearest 5.
- A rate or percentage whose denominator is under 10 is suppressed. So is one whose numerator is
  under 10: publishing the rate with a known denominator would give the small count away.
- Currency and score values describe no group of people and are published as they are.
"""

from dataclasses import dataclass, field

THRESHOLD = 10
ROUND_TO = 5


@dataclass(frozen=True)
class Cell:
    value: float | None
    numerator: float | None
    denominator: float | None
    suppressed: bool
    # Why a cell was suppressed (or a supporting count dropped), in words for the publisher's
    # preview; not part of what is published or compared.
    reason: str = field(default="", compare=False)


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


def _small(what: str) -> str:
    return f"{what} under {THRESHOLD}"


def protect(kind: str, value: float, numerator: float | None, denominator: float | None) -> Cell:
    numerator_out, numerator_small = _count(numerator)
    denominator_out, denominator_small = _count(denominator)
    small = [
        _small(what)
        for what, is_small in (("numerator", numerator_small), ("denominator", denominator_small))
        if is_small
    ]
    if kind == "count":
        if value < THRESHOLD:
            small.insert(0, _small("a count"))
        if small:
            return Cell(None, None, None, True, "; ".join(small))
        return Cell(round_to_5(value), numerator_out, denominator_out, False, "")
    if kind in ("rate", "percentage"):
        if small:
            return Cell(None, None, None, True, "; ".join(small) + f" (a {kind} of a small group)")
        return Cell(value, numerator_out, denominator_out, False)
    # currency, score: no people are counted, only the supporting counts are protected.
    return Cell(
        value,
        None if numerator_small else numerator_out,
        None if denominator_small else denominator_out,
        False,
        "; ".join(s + ": not published" for s in small),
    )
