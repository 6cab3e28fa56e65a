"""Demo data for ``make run``: metrics, wards, five years of figures, KPIs with targets, a
performance page, and a publication to the benchmarking pool. The platform's side of the demo
(catalogue metrics the demo publishes to, a synthetic pool of other councils the first time, and
the council's context data, which is platform data) comes from the pool's own actions. Safe to
re-run."""

import random

from intelligence.benchmarking import actions as pool_actions

from .actions import import_observations, save_area, save_kpi, save_metric
from .models import Metric
from .pool import publish_to_pool

DEMO_METRICS = [
    (
        "recycling-rate",
        "Household waste sent for reuse, recycling or composting",
        "percentage",
        "higher",
        "%",
        "performance",
    ),
    (
        "homeless-households",
        "Households in temporary accommodation",
        "count",
        "lower",
        "households",
        "performance",
    ),
    (
        "council-tax-collected",
        "Council tax collected in year",
        "percentage",
        "higher",
        "%",
        "performance",
    ),
    (
        "planning-major-on-time",
        "Major planning applications decided on time",
        "percentage",
        "higher",
        "%",
        "performance",
    ),
    ("imd-score", "Index of Multiple Deprivation score", "score", "lower", "score", "needs"),
    ("child-poverty", "Children in low-income families", "percentage", "lower", "%", "needs"),
    ("ctx-population", "Resident population", "count", "neither", "people", "context"),
    ("ctx-over-65", "Residents aged 65 and over", "percentage", "neither", "%", "context"),
]
YEARS = [f"{y}-{(y + 1) % 100:02d}" for y in range(2021, 2026)]


def seed_demo(council) -> None:
    rng = random.Random(council.gss_code)
    pool_actions.ensure_demo_catalogue()
    for metric_id, title, kind, polarity, unit, category in DEMO_METRICS:
        existing = Metric.objects.filter(metric_id=metric_id).first()
        save_metric(
            metric=existing,
            metric_id=metric_id,
            title=title,
            kind=kind,
            polarity=polarity,
            unit=unit,
            category=category,
            source="Demo data",
            shared=category == "performance",  # context data is the platform's
            pool_metric=metric_id if category == "performance" else "",
        )
    wards = [f"E05{int(council.gss_code[3:]) % 1000:03d}{n:03d}" for n in range(1, 9)]
    for n, code in enumerate(wards, start=1):
        save_area(code=code, name=f"Ward {n}", kind="ward", parent_code=council.gss_code)
    lines = ["metric_id,area_code,period,value,numerator,denominator"]
    for i, period in enumerate(YEARS):
        recycling = 38 + i * 1.5 + rng.uniform(-2, 2)
        lines.append(
            f"recycling-rate,{council.gss_code},{period},{recycling:.1f},{recycling * 500:.0f},50000"
        )
        lines.append(f"homeless-households,{council.gss_code},{period},{rng.randint(80, 400)},,")
        lines.append(
            f"council-tax-collected,{council.gss_code},{period},{rng.uniform(94, 98.5):.1f},,"
        )
        lines.append(
            f"planning-major-on-time,{council.gss_code},{period},{rng.uniform(70, 95):.1f},,"
        )
        lines.append(f"ctx-population,{council.gss_code},{period},{rng.randint(90_000, 600_000)},,")
        lines.append(f"ctx-over-65,{council.gss_code},{period},{rng.uniform(15, 28):.1f},,")
        for code in wards:
            lines.append(f"imd-score,{code},{period},{rng.uniform(8, 45):.1f},,")
            lines.append(f"child-poverty,{code},{period},{rng.uniform(5, 35):.1f},,")
    import_observations("\n".join(lines) + "\n", filename="demo.csv", council_code=council.gss_code)
    save_kpi(
        metric=Metric.objects.get(metric_id="recycling-rate"),
        targets={p: 40 + 1.5 * i for i, p in enumerate(YEARS)},
        order=1,
    )
    save_kpi(
        metric=Metric.objects.get(metric_id="homeless-households"),
        targets={p: 250 for p in YEARS},
        amber_tolerance_percent=10,
        order=2,
    )
    save_kpi(
        metric=Metric.objects.get(metric_id="council-tax-collected"),
        targets={p: 96.5 for p in YEARS},
        order=3,
    )
    _performance_page()
    _publish(council)


def _performance_page() -> None:
    from wagtail.models import Page

    from .models import PerformancePage

    if PerformancePage.objects.exists():
        return
    home = Page.objects.filter(depth=2).first()
    if home is None:
        return
    page = PerformancePage(title="How we are performing", slug="performance")
    home.add_child(instance=page)
    page.save_revision().publish()


def _publish(council) -> None:
    publish_to_pool()
    pool_actions.seed_demo_pool(council)
