"""Comparison statistics: rank by polarity, quartile, median and quartiles of a peer group.

The quartile boundaries are the group's 25th, 50th and 75th percentiles (PERCENTILE.INC: linear
interpolation between closest ranks), and a council's quartile follows from its value against
those same boundaries, by polarity: quartile 1 is the best quarter. A group with fewer than
``MIN_RANKED`` values ranks nobody (rank and quartile are null: "not ranked")."""

import math
from dataclasses import dataclass

MIN_RANKED = 2


@dataclass
class Comparison:
    value: float | None
    rank: int | None
    quartile: int | None
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    group_size: int
    values_count: int


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default, Excel's PERCENTILE.INC)."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def quartile_of(value: float, lower: float, median: float, upper: float, polarity: str) -> int:
    """1 (best quarter) to 4 from the value against the group's quartile values. A value on a
    boundary belongs to the better quarter. ``neither`` reads like ``higher`` (as ranks do)."""
    if polarity == "lower":
        if value <= lower:
            return 1
        if value <= median:
            return 2
        if value <= upper:
            return 3
        return 4
    if value >= upper:
        return 1
    if value >= median:
        return 2
    if value >= lower:
        return 3
    return 4


def compare(
    value: float | None, peer_values: list[float], polarity: str, group_size: int
) -> Comparison:
    """``peer_values`` are the group's usable values (the council's own included when it has
    one). Rank 1 is the best by polarity ("neither" ranks the highest first); ties share the
    better rank. Quartile 1 is the best quarter, from the quartile values returned beside it."""
    ordered = sorted(peer_values)
    lower, median, upper = (percentile(ordered, f) for f in (0.25, 0.5, 0.75))
    rank = quartile = None
    if value is not None and len(ordered) >= MIN_RANKED:
        if polarity == "lower":
            rank = 1 + sum(1 for v in ordered if v < value)
        else:
            rank = 1 + sum(1 for v in ordered if v > value)
        quartile = quartile_of(value, lower, median, upper, polarity)
    return Comparison(
        value=value,
        rank=rank,
        quartile=quartile,
        median=median,
        lower_quartile=lower,
        upper_quartile=upper,
        group_size=group_size,
        values_count=len(ordered),
    )
