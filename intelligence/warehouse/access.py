"""Reads other apps make of the warehouse (commissioning: funding matching, priorities): the
council's need indicators, its areas, and needs ranked across wards (``rank_needs``)."""

from dataclasses import dataclass

from .models import Area, ImportBatch, Metric, MetricCategory, Observation
from .needs import NeedRank, rank_needs

__all__ = [
    "AreaInfo",
    "NeedMetric",
    "NeedRank",
    "areas",
    "data_version",
    "latest_period",
    "latest_values",
    "metric_titles",
    "need_metrics",
    "rank_needs",
]


@dataclass(frozen=True)
class NeedMetric:
    metric_id: str
    title: str
    description: str
    polarity: str


@dataclass(frozen=True)
class AreaInfo:
    code: str
    name: str
    kind: str
    parent_code: str


def need_metrics() -> list[NeedMetric]:
    """The council's demographic and needs indicators."""
    return [
        NeedMetric(m.metric_id, m.title, m.description, m.polarity)
        for m in Metric.objects.filter(category=MetricCategory.NEEDS).order_by("metric_id")
    ]


def latest_period(metric_ids: list[str]) -> str | None:
    """The latest period with a value for any of the metrics (None without values)."""
    row = (
        Observation.objects.filter(metric__metric_id__in=metric_ids)
        .order_by("-period_start")
        .values_list("period", flat=True)
        .first()
    )
    return row


def areas(kind: str | None = None) -> list[AreaInfo]:
    qs = Area.objects.all() if kind is None else Area.objects.filter(kind=kind)
    return [AreaInfo(a.code, a.name, a.kind, a.parent_code) for a in qs.order_by("code")]


def data_version() -> str:
    """A token that changes when the council's needs data does (an import, a new metric or
    area): for callers that keep results computed from it (funding's matches)."""
    from django.db.models import Count, Max

    batches = ImportBatch.objects.aggregate(n=Count("id"), last=Max("imported_at"), top=Max("id"))
    return (
        f"{batches['n']}:{batches['top']}:{batches['last']}:"
        f"{Metric.objects.count()}:{Area.objects.count()}"
    )


def latest_values(metric_ids, area_codes) -> dict[tuple[str, str], dict]:
    """For markets' demand: the latest value of each metric in each area, one query:
    ``{(metric_id, area_code): {"period", "value", "title", "unit"}}`` (pairs without a value are
    left out)."""
    metric_ids, area_codes = sorted(set(metric_ids)), sorted(set(area_codes))
    if not metric_ids or not area_codes:
        return {}
    rows = (
        Observation.objects.filter(metric__metric_id__in=metric_ids, area_code__in=area_codes)
        .order_by("metric_id", "area_code", "-period_start")
        .distinct("metric_id", "area_code")
        .values_list(
            "metric__metric_id", "metric__title", "metric__unit", "area_code", "period", "value"
        )
    )
    return {
        (metric_id, area): {"period": period, "value": value, "title": title, "unit": unit}
        for metric_id, title, unit, area, period, value in rows
    }


def metric_titles() -> dict[str, str]:
    """Every metric of the council: ``{metric_id: title}`` (for choosing a demand measure)."""
    return dict(Metric.objects.order_by("metric_id").values_list("metric_id", "title"))
