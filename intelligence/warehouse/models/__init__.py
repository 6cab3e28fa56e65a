from .kpis import Kpi, KpiTarget, RagStatus
from .metrics import (
    AREA_PREFIXES,
    Area,
    AreaKind,
    ImportBatch,
    Metric,
    MetricCategory,
    MetricKind,
    Observation,
    Polarity,
)
from .pages import PerformancePage

__all__ = [
    "AREA_PREFIXES",
    "Area",
    "AreaKind",
    "ImportBatch",
    "Kpi",
    "KpiTarget",
    "Metric",
    "MetricCategory",
    "MetricKind",
    "Observation",
    "PerformancePage",
    "Polarity",
    "RagStatus",
]
