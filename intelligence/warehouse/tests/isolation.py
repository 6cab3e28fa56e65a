"""Council A's warehouse objects and how the isolation probe reaches every warehouse route
(see tests/isolation/__init__.py for the convention)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.isolation.probe import FORM, MARKER, Form, Multipart, Seed


def probe_objects(w) -> None:
    from intelligence.benchmarking.actions import save_catalogue_metric
    from intelligence.warehouse.actions import import_observations, save_area, save_kpi, save_metric

    # The platform's catalogue metric A publishes to (no marker: shared data is public), and
    # A's own unshared metric with the marker, which must never reach the pool.
    w.catalogue_metric = save_catalogue_metric(
        metric_id="probe-shared", title="Probe shared", kind="count"
    )
    w.unused_catalogue_metric = save_catalogue_metric(
        metric_id="probe-unused", title="Probe unused", kind="count"
    )
    w.context_metric = save_catalogue_metric(
        metric_id="probe-context", title="Probe context", kind="count", is_context=True
    )
    w.metric = save_metric(
        metric_id="probe-metric", title=f"Probe {MARKER}", kind="count", description=MARKER
    )
    w.shared_metric = save_metric(
        metric_id="probe-shared", title="Probe shared", kind="count", shared=True
    )
    w.area = save_area(code="E05999999", name=f"Ward {MARKER}", kind="ward")
    import_observations(
        "metric_id,area_code,period,value\nprobe-metric,E05999999,2024-25,42\n"
        f"probe-metric,{w.council.gss_code},2024-25,42\n"
        f"probe-shared,{w.council.gss_code},2024-25,42\n",
        council_code=w.council.gss_code,
    )
    w.kpi = save_kpi(metric=w.metric, title=f"KPI {MARKER}")
    from intelligence.warehouse.actions import save_kpi_target

    w.kpi_target = save_kpi_target(kpi=w.kpi, period="2023-24", target=41)
    from intelligence.warehouse.pool import publish_to_pool

    publish_to_pool()  # the pool knows A (its groups need that)


METRIC_BODY = {"title": "Probe metric", "kind": "count", "polarity": "higher"}


# The admin's Intelligence menu (admin_viewsets.py): a complete, valid new entry per viewset.
NEW = {
    "metrics": lambda w: {
        "metric_id": "probe-admin-new",
        "title": "Probe admin metric",
        "kind": "count",
        "polarity": "neither",
        "category": "performance",
    },
    "kpis": lambda w: {
        "metric": str(w.shared_metric.pk),
        "title": "Probe KPI 2",
        "amber_tolerance_percent": "5",
        "order": "0",
    },
    "kpi_targets": lambda w: {"kpi": str(w.kpi.pk), "period": "2022-23", "target": "3"},
}
OBJECT = {"metrics": "metric", "kpis": "kpi", "kpi_targets": "kpi_target"}


def _admin_seeds(name: str) -> list[Seed]:
    def pk(w):
        return {"pk": str(getattr(w, OBJECT[name]).pk)}

    admin = f"warehouse_{name}"
    return [
        Seed(f"{admin}:add", body={"POST": Form(NEW[name])}),
        Seed(f"{admin}:edit", kwargs=pk, body={"POST": FORM}),
        Seed(f"{admin}:delete", kwargs=pk, body={"POST": {}, "DELETE": {}}),
        Seed((f"{admin}:usage", f"{admin}:history", f"{admin}:history_results"), kwargs=pk),
    ]


def probe_seeds() -> list[Seed]:
    return [
        *(seed for name in NEW for seed in _admin_seeds(name)),
        Seed(
            "warehouse_import:index",
            body={
                "POST": Multipart(
                    lambda w: {
                        "action": "check",
                        "file": SimpleUploadedFile(
                            "probe.csv",
                            b"metric_id,area_code,period,value\nprobe-metric,E05999999,2023-24,7\n",
                            content_type="text/csv",
                        ),
                    }
                )
            },
            control_writes=False,
            reason="checking a file writes nothing: the import happens on a second POST with "
            "the token of a file held for that user in that council's cache",
        ),
        Seed(
            "warehouse_publish:index",
            body={"POST": {}},
            control_writes=False,
            reason="publishing writes the pool (public schema), never the council's schema",
        ),
        Seed(
            "warehouse-metric-list",
            body={"POST": {"metric_id": "probe-new", **METRIC_BODY}},
        ),
        Seed(
            "warehouse-metric-detail",
            kwargs=lambda w: {"metric_id": w.metric.metric_id},
            body={
                "PUT": {"metric_id": "probe-metric", **METRIC_BODY},
                "PATCH": {"title": "Renamed by the probe"},
                "DELETE": {},
            },
        ),
        Seed(
            "warehouse-area-list",
            body={"POST": {"code": "E05999998", "name": "Probe ward", "kind": "ward"}},
        ),
        Seed(
            "warehouse-area-detail",
            kwargs=lambda w: {"code": w.area.code},
            missing={"code": "E05999997"},
        ),
        Seed(
            "warehouse-kpi-list",
            body={"POST": lambda w: {"metric_id": w.metric.metric_id, "title": "Probe KPI"}},
        ),
        Seed(
            "warehouse-kpi-detail",
            kwargs=lambda w: {"pk": w.kpi.pk},
            body={
                "PUT": lambda w: {"metric_id": w.metric.metric_id, "title": "Probe KPI"},
                "PATCH": {"title": "Renamed by the probe"},
                "DELETE": {},
            },
        ),
        Seed(
            "warehouse-import-list",
            body={
                "POST": Multipart(
                    lambda w: {
                        "file": SimpleUploadedFile(
                            "probe.csv",
                            b"metric_id,area_code,period,value\nprobe-metric,E05999999,2023-24,7\n",
                            content_type="text/csv",
                        )
                    }
                )
            },
        ),
        Seed("warehouse-needs-list", query="metrics=probe-metric&period=2024-25&level=ward"),
        Seed("warehouse-pool-publish", body={"POST": {}}),
        Seed("warehouse-pool-keys", body={"POST": {"name": "Probe key"}}),
        Seed(
            "warehouse-pool-groups",
            body={"POST": lambda w: {"name": "Probe group", "members": [w.council.gss_code]}},
        ),
    ]
