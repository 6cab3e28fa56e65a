"""Needs data: rank a council's wards or LSOAs by need over demographic and needs indicators.

Commissioning calls ``rank_needs``: each indicator's values across the areas are standardised
(mean 0, SD 1) and signed so that a higher score always means more need (for a "higher is
better" indicator, a low value is a need); the need score is the weighted mean of the signed
scores. Runs in the council's schema.
"""

from dataclasses import dataclass

import numpy as np

from .models import Area, AreaKind, Metric, Observation, Polarity
from .models.metrics import AREA_PREFIXES


@dataclass
class NeedRank:
    rank: int
    area_code: str
    area_name: str
    score: float
    values: dict[str, float | None]


def rank_needs(
    metric_ids: list[str],
    *,
    period: str,
    level: str = AreaKind.WARD,
    weights: dict[str, float] | None = None,
) -> list[NeedRank]:
    metrics = {m.metric_id: m for m in Metric.objects.filter(metric_id__in=metric_ids)}
    missing = sorted(set(metric_ids) - set(metrics))
    if missing:
        raise LookupError(missing)
    prefixes = [p for p, kind in AREA_PREFIXES.items() if kind == level]
    values: dict[str, dict[str, float]] = {}
    for metric_pk, code, value in Observation.objects.filter(
        metric__metric_id__in=metric_ids, period=period
    ).values_list("metric__metric_id", "area_code", "value"):
        if code[:3] in prefixes:
            values.setdefault(code, {})[metric_pk] = value
    codes = sorted(values)
    if not codes:
        return []
    names = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
    total = np.zeros(len(codes))
    weight_sum = 0.0
    for metric_id, metric in metrics.items():
        column = np.array([values[c].get(metric_id, np.nan) for c in codes], dtype=float)
        present = ~np.isnan(column)
        if present.sum() == 0:
            continue
        mean, sd = column[present].mean(), column[present].std()
        z = np.where(present, (column - mean) / sd if sd > 0 else 0.0, 0.0)
        # More need = worse: higher values are needs unless higher is better.
        sign = -1.0 if metric.polarity == Polarity.HIGHER else 1.0
        weight = (weights or {}).get(metric_id, 1.0)
        total += sign * weight * z
        weight_sum += weight
    scores = total / weight_sum if weight_sum else total
    order = sorted(range(len(codes)), key=lambda i: (-scores[i], codes[i]))
    return [
        NeedRank(
            rank=n + 1,
            area_code=codes[i],
            area_name=names.get(codes[i], codes[i]),
            score=round(float(scores[i]), 4),
            values={m: values[codes[i]].get(m) for m in metric_ids},
        )
        for n, i in enumerate(order)
    ]
