"""Council A's warehouse objects for the cross-council isolation probe."""

from tests.isolation.probe import MARKER


def seed(council) -> dict:
    from intelligence.warehouse.actions import import_observations, save_area, save_kpi, save_metric

    metric = save_metric(
        metric_id="probe-metric", title=f"Probe {MARKER}", kind="count", description=MARKER
    )
    save_area(code="E05999999", name=f"Ward {MARKER}", kind="ward")
    import_observations(
        "metric_id,area_code,period,value\nprobe-metric,E05999999,2024-25,42\n",
        council_code=council.gss_code,
    )
    kpi = save_kpi(metric=metric, title=f"KPI {MARKER}")
    return {
        "warehouse-metric-detail": {"metric_id": "probe-metric"},
        "warehouse-area-detail": {"code": "E05999999"},
        "warehouse-kpi-detail": {"pk": kpi.pk},
    }
