"""Synthetic but plausible pool data for demos and benchmarks (``manage.py seed_benchmark``).

Members get valid-format GSS codes in the 9xxxxx range (no real council uses it) with the tier
their prefix implies and a region; metrics are a mix of kinds and polarities, five of them
context metrics for nearest neighbours; each value follows a member's own level and trend plus
noise, so series look like real ones. Data is loaded with PostgreSQL COPY.
"""

import random
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from tenants.models import Region

from .actions import compute_nearest_neighbours
from .disclosure import protect
from .models import PoolMember, PoolMetric
from .snapshot import bump_version

PREFIX_TIERS = [
    ("E06", "unitary", 0.17),
    ("E07", "district", 0.45),
    ("E08", "metropolitan", 0.10),
    ("E09", "london-borough", 0.09),
    ("E10", "county", 0.06),
    ("W06", "unitary", 0.06),
    ("S12", "unitary", 0.07),
]
ENGLISH_REGIONS = [
    r.value for r in Region if r.value not in ("london", "wales", "scotland", "northern-ireland")
]
CONTEXT_METRICS = [
    ("ctx-population", "Resident population", "count", "people", 50_000, 1_200_000),
    ("ctx-density", "People per hectare", "score", "people/ha", 0.5, 120),
    ("ctx-over-65", "Residents aged 65 and over", "percentage", "%", 10, 32),
    ("ctx-imd-score", "Average deprivation score", "score", "score", 8, 45),
    ("ctx-tax-base", "Council tax base per head", "currency", "£", 200, 600),
]
KINDS = ["count", "rate", "percentage", "currency", "score"]
TOPICS = [
    "Adult social care",
    "Children's services",
    "Housing",
    "Waste",
    "Planning",
    "Public health",
    "Finance",
    "Libraries",
    "Roads",
    "Environment",
]
# Each topic's theme (intelligence.vocabulary.Theme), in the same order.
TOPIC_THEMES = dict(
    zip(
        TOPICS,
        [
            "adult-social-care",
            "children",
            "housing",
            "waste",
            "planning",
            "public-health",
            "finance",
            "libraries",
            "roads",
            "environment",
        ],
        strict=True,
    )
)
PLACE_NAMES = [
    "Ash",
    "Brook",
    "Cliff",
    "Dale",
    "Elm",
    "Fen",
    "Glen",
    "Heath",
    "Ivy",
    "Kirk",
    "Lea",
    "Marsh",
    "Nor",
    "Oak",
    "Pen",
    "Rye",
    "Stow",
    "Thorn",
    "Wick",
    "York",
]
SUFFIXES = ["ford", "by", "ton", "ham", "field", "worth", "bury", "stead", "wich", "mouth"]


def financial_years(count: int, last_start_year: int) -> list[tuple[str, date]]:
    return [
        (f"{y}-{(y + 1) % 100:02d}", date(y, 4, 1))
        for y in range(last_start_year - count + 1, last_start_year + 1)
    ]


@transaction.atomic
def seed_pool(
    councils: int = 400, metrics: int = 50, years: int = 10, seed: int = 7, last_year: int = 2025
) -> dict:
    """Replace the synthetic part of the pool (members and metrics marked synthetic)."""
    rng = random.Random(seed)
    PoolMember.objects.filter(synthetic=True).delete()
    PoolMetric.objects.filter(synthetic=True).delete()
    # Members.
    members = []
    counters: dict[str, int] = {}
    for i in range(councils):
        prefix, tier = _pick_prefix(rng)
        counters[prefix] = counters.get(prefix, 0) + 1
        code = f"{prefix}9{counters[prefix]:05d}"
        region = {"E09": "london", "W06": "wales", "S12": "scotland"}.get(
            prefix, rng.choice(ENGLISH_REGIONS)
        )
        name = f"{rng.choice(PLACE_NAMES)}{rng.choice(SUFFIXES)} {i + 1}"
        members.append(
            PoolMember(gss_code=code, name=name, tier=tier, region=region, synthetic=True)
        )
    now = timezone.now()
    for member in members:
        member.last_published_at = now
    members = PoolMember.objects.bulk_create(members)
    # Metrics: context ones first, then performance ones of every kind.
    specs = list(CONTEXT_METRICS[: min(5, metrics)])
    n = 0
    while len(specs) < metrics:
        n += 1
        kind = KINDS[n % len(KINDS)]
        topic = TOPICS[n % len(TOPICS)]
        low, high = {
            "count": (5, 5000),
            "rate": (1, 120),
            "percentage": (20, 95),
            "currency": (50, 2500),
            "score": (1, 10),
        }[kind]
        unit = {
            "count": "people",
            "rate": "per 1,000",
            "percentage": "%",
            "currency": "£",
            "score": "score",
        }[kind]
        specs.append((f"syn-{n:03d}", f"{topic} indicator {n}", kind, unit, low, high))
    pool_metrics = []
    for metric_id, title, kind, unit, _low, _high in specs:
        is_context = metric_id.startswith("ctx-")
        pool_metrics.append(
            PoolMetric(
                metric_id=metric_id,
                title=title,
                unit=unit,
                kind=kind,
                polarity="neither" if is_context else rng.choice(["higher", "lower"]),
                source="Synthetic (seed_benchmark)",
                theme="context" if is_context else TOPIC_THEMES[title.rsplit(" indicator", 1)[0]],
                is_context=is_context,
                precision={"count": 0, "percentage": 1, "rate": 1}.get(kind, 2),
                synthetic=True,
            )
        )
    pool_metrics = PoolMetric.objects.bulk_create(pool_metrics)
    periods = financial_years(years, last_year)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY benchmarking_poolvalue (metric_id, member_id, period, period_start, value, numerator, "
            "denominator, suppressed, embargo_until, published_at, source_period, source_metric) "
            "FROM STDIN"
        ) as copy,
    ):
        for metric, (_, _, kind, _, low, high) in zip(pool_metrics, specs, strict=True):
            for member in members:
                level = rng.uniform(low, high)
                trend = rng.uniform(-0.03, 0.03)
                for y, (label, start) in enumerate(periods):
                    value = level * (1 + trend) ** y * rng.uniform(0.95, 1.05)
                    numerator = denominator = None
                    if kind in ("rate", "percentage") and not metric.is_context:
                        denominator = float(
                            rng.choice([rng.randint(3, 40), rng.randint(200, 20000)])
                        )
                        numerator = round(value * denominator / (1000 if kind == "rate" else 100))
                    if kind == "count":
                        value = float(round(value))
                    cell = protect(kind, round(value, 2), numerator, denominator)
                    copy.write_row(
                        (
                            metric.pk,
                            member.pk,
                            label,
                            start,
                            cell.value,
                            cell.numerator,
                            cell.denominator,
                            cell.suppressed,
                            None,
                            now,
                            label,
                            "",
                        )
                    )
                    count += 1
    neighbours = compute_nearest_neighbours()
    bump_version()
    return {
        "members": len(members),
        "metrics": len(pool_metrics),
        "values": count,
        "with_neighbours": neighbours,
    }


# The catalogue metrics the demo councils publish to (platform staff define these in production).
DEMO_THEMES = {
    "recycling-rate": "waste",
    "homeless-households": "housing",
    "council-tax-collected": "finance",
    "planning-major-on-time": "planning",
}
DEMO_CATALOGUE = [
    ("recycling-rate", "Household waste sent for reuse, recycling or composting", "percentage",
     "higher", "%", 1, "NI 192", "DEFRA waste statistics"),
    ("homeless-households", "Households in temporary accommodation", "count", "lower",
     "households", 0, "", "DLUHC homelessness statistics"),
    ("council-tax-collected", "Council tax collected in year", "percentage", "higher", "%", 1,
     "", "DLUHC collection rates"),
    ("planning-major-on-time", "Major planning applications decided on time", "percentage",
     "higher", "%", 1, "", "DLUHC planning statistics"),
]  # fmt: skip


def ensure_demo_catalogue() -> int:
    """Add the demo's catalogue metrics that are missing; never changes an existing one."""
    from .actions import save_catalogue_metric

    added = 0
    for metric_id, title, kind, polarity, unit, precision, lginform, source in DEMO_CATALOGUE:
        if not PoolMetric.objects.filter(metric_id=metric_id).exists():
            save_catalogue_metric(
                metric_id=metric_id,
                title=title,
                kind=kind,
                polarity=polarity,
                unit=unit,
                precision=precision,
                lginform_id=lginform,
                source=source,
                theme=DEMO_THEMES[metric_id],
            )
            added += 1
    return added


# The demo councils' context data: platform data (councils never publish context metrics), so the
# platform's demo gives each demo council plausible values of the synthetic context metrics.
def seed_demo_pool(council) -> dict:
    """For ``make run``: a synthetic pool the first time, and context values for ``council``'s
    pool member (it must have published) so that it has nearest neighbours. Safe to re-run."""
    from .actions import ContextValue, save_context_values

    result = {}
    if not PoolMember.objects.filter(synthetic=True).exists():
        result = seed_pool(councils=150, metrics=12, years=5)
    if not PoolMember.objects.filter(gss_code=council.gss_code).exists():
        return result
    rng = random.Random(council.gss_code)
    context = {m.metric_id: m for m in PoolMetric.objects.filter(is_context=True, synthetic=True)}
    values = []
    for metric_id, _title, kind, _unit, low, high in CONTEXT_METRICS:
        if metric_id not in context:
            continue
        level = rng.uniform(low, high)
        for label, _start in financial_years(5, 2025):
            value = level * rng.uniform(0.97, 1.03)
            values.append(
                ContextValue(
                    council.gss_code,
                    metric_id,
                    label,
                    float(round(value)) if kind == "count" else round(value, 2),
                )
            )
    if values:
        save_context_values(values, source="demo")
    return result


def _pick_prefix(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    total = 0.0
    for prefix, tier, share in PREFIX_TIERS:
        total += share
        if roll <= total:
            return prefix, tier
    return PREFIX_TIERS[0][0], PREFIX_TIERS[0][1]
