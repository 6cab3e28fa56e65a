"""Priorities as levers: members' weighted outcome priorities re-rank needs (the warehouse's
``rank_needs``) and the pipeline of commissions, and a change can be previewed before it is
saved.

How a ranking is made from the priorities:
- each priority measures need with warehouse metrics; a metric's weight in ``rank_needs`` is the
  sum of the weights of the priorities that use it (no priority with metrics: every needs
  metric, equally weighted);
- an area a priority names gets 0.1 × the priority's weight added to its need score;
- the pipeline (commissions not yet complete) is ordered by the weight of the commission's
  priority, then by the need score of its area.
"""

import copy

from django.core.exceptions import ValidationError

from intelligence.warehouse import access as warehouse

from .models import Commission, Priority

AREA_BOOST = 0.1


def metric_weights(priorities) -> dict[str, float]:
    weights: dict[str, float] = {}
    for p in priorities:
        for metric_id in p.metric_ids or []:
            weights[metric_id] = weights.get(metric_id, 0.0) + p.weight
    return weights


def needs_ranking(priorities=None, period: str | None = None) -> list[dict]:
    priorities = list(Priority.objects.all()) if priorities is None else list(priorities)
    weights = metric_weights(priorities)
    metric_ids = sorted(weights) or [m.metric_id for m in warehouse.need_metrics()]
    if not metric_ids:
        return []
    period = period or warehouse.latest_period(metric_ids)
    if period is None:
        return []
    try:
        ranks = warehouse.rank_needs(metric_ids, period=period, weights=weights or None)
    except LookupError as missing:
        raise ValidationError({"metric_ids": [f"Unknown metrics: {missing.args[0]}"]}) from None
    boost: dict[str, float] = {}
    for p in priorities:
        for code in p.area_codes or []:
            boost[code] = boost.get(code, 0.0) + AREA_BOOST * p.weight
    rows = [
        {
            "area_code": r.area_code,
            "area_name": r.area_name,
            "need_score": r.score,
            "score": round(r.score + boost.get(r.area_code, 0.0), 4),
            "period": period,
        }
        for r in ranks
    ]
    rows.sort(key=lambda r: (-r["score"], r["area_code"]))
    for n, row in enumerate(rows, start=1):
        row["rank"] = n
    return rows


def pipeline(priorities=None, ranking=None) -> list[dict]:
    priorities = {p.pk: p for p in (Priority.objects.all() if priorities is None else priorities)}
    ranking = needs_ranking(list(priorities.values())) if ranking is None else ranking
    scores = {r["area_code"]: r["score"] for r in ranking}
    rows = []
    for c in Commission.objects.exclude(stage__in=["complete", "cancelled"]).only(
        "pk", "title", "stage", "area_code", "priority_id"
    ):
        weight = priorities[c.priority_id].weight if c.priority_id in priorities else 0
        rows.append(
            {
                "commission": c.pk,
                "title": c.title,
                "stage": c.stage,
                "priority_weight": weight,
                "need_score": scores.get(c.area_code),
            }
        )
    rows.sort(
        key=lambda r: (
            -r["priority_weight"],
            -(r["need_score"] if r["need_score"] is not None else -99),
            r["commission"],
        )
    )
    for n, row in enumerate(rows, start=1):
        row["rank"] = n
    return rows


def _moves(before: list[dict], after: list[dict], key: str, label: str) -> list[dict]:
    old = {r[key]: r["rank"] for r in before}
    moves = [
        {key: r[key], label: r.get(label), "from": old.get(r[key]), "to": r["rank"]}
        for r in after
        if old.get(r[key]) != r["rank"]
    ]
    return sorted(moves, key=lambda m: (m["to"] - (m["from"] or 0), m["to"]))


def preview(
    *, priority: Priority | None, weight, metric_ids=None, period: str | None = None
) -> dict:
    """The needs ranking and the pipeline now and with ``priority`` at ``weight`` (or a new
    priority measured by ``metric_ids``), and what moves. Nothing is saved."""
    try:
        weight = int(weight)
    except (TypeError, ValueError):
        raise ValidationError({"weight": ["A whole number from 1 to 5."]}) from None
    if not 1 <= weight <= 5:
        raise ValidationError({"weight": [f"{weight} is out of range: weights are 1 to 5."]})
    current = list(Priority.objects.all())
    proposed = [copy.copy(p) for p in current]
    if priority is not None:
        changed = next(p for p in proposed if p.pk == priority.pk)
        changed.weight = weight
        if metric_ids is not None:
            changed.metric_ids = list(metric_ids)
    else:
        proposed.append(
            Priority(title="(new priority)", weight=weight, metric_ids=list(metric_ids or []))
        )
    before = needs_ranking(current, period)
    after = needs_ranking(proposed, period)
    pipeline_before = pipeline(current, before)
    pipeline_after = pipeline(proposed, after)
    return {
        "priority": priority.pk if priority else None,
        "weight": {"from": priority.weight if priority else None, "to": weight},
        "needs": {"before": before, "after": after},
        "moves": _moves(before, after, "area_code", "area_name"),
        "pipeline": {"before": pipeline_before, "after": pipeline_after},
        "pipeline_moves": _moves(pipeline_before, pipeline_after, "commission", "title"),
    }
