"""Comparison statistics: rank by polarity, quartile, median and quartiles of a peer group."""

import math
from dataclasses import dataclass


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


def compare(
    value: float | None, peer_values: list[float], polarity: str, group_size: int
) -> Comparison:
    """``peer_values`` are the group's usable values (the council's own included when it has
    one). Rank 1 is the best by polarity ("neither" ranks the highest first); ties share the
    better rank. Quartile 1 is the best quarter."""
    ordered = sorted(peer_values)
    rank = quartile = None
    if value is not None and ordered:
        if polarity == "lower":
            rank = 1 + sum(1 for v in ordered if v < value)
        else:
            rank = 1 + sum(1 for v in ordered if v > value)
        quartile = min(4, math.ceil(4 * rank / len(ordered)))
    return Comparison(
        value=value,
        rank=rank,
        quartile=quartile,
        median=percentile(ordered, 0.5),
        lower_quartile=percentile(ordered, 0.25),
        upper_quartile=percentile(ordered, 0.75),
        group_size=group_size,
        values_count=len(ordered),
    )
