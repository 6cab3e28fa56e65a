"""What a new council needs from the warehouse: the analyst role as a group with model
permissions (declared in warehouse/permissions.py), the benchmark catalogue's metrics as its
starting metrics, and demo content. Registered with the kernel's provisioning registry in
``Config.ready``."""

from platform_core import provisioning


def create_default_metrics(council) -> int:
    """Every non-context metric of the platform's benchmark catalogue, as the new council's own
    metric with the same id, mapped onto the catalogue metric (``pool_metric``) but not shared:
    publishing to the pool stays the council's decision. Context metrics are platform data and
    are left out. Per council (not TEMPLATE) because the catalogue changes after the template is
    built; an AFTER_COMMIT step (a save per metric, outside the provisioning request); idempotent,
    so a metric the council already has is left as it is."""
    from intelligence.benchmarking import access as pool_access
    from intelligence.warehouse.actions import save_metric
    from intelligence.warehouse.models import Metric

    entries = [e for e in pool_access.catalogue_entries().values() if not e.is_context]
    existing = set(
        Metric.objects.filter(metric_id__in=[e.metric_id for e in entries]).values_list(
            "metric_id", flat=True
        )
    )
    created = 0
    for entry in sorted(entries, key=lambda e: e.metric_id):
        if entry.metric_id in existing:
            continue
        save_metric(
            metric_id=entry.metric_id,
            title=entry.title,
            kind=entry.kind,
            polarity=entry.polarity,
            unit=entry.unit,
            category="performance",
            source="Platform benchmark catalogue",
            shared=False,
            pool_metric=entry.metric_id,
        )
        created += 1
    return created


def register() -> None:
    from intelligence.warehouse.demo import seed_demo
    from intelligence.warehouse.permissions import GROUP_PERMISSIONS

    for name, permissions in GROUP_PERMISSIONS.items():
        provisioning.declare_group(name, admin_access=True, permissions=permissions)
    provisioning.register(
        "warehouse.default_metrics",
        create_default_metrics,
        phase=provisioning.AFTER_COMMIT,
        order=40,
    )
    provisioning.register("warehouse.demo", seed_demo, phase=provisioning.DEMO, order=30)
