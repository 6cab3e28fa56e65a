"""Demo markets for ``make run``: three years of spend in two markets of the demo directory
(home care concentrating on one provider, so it raises alerts; day services spread out), CQC
ratings with one change, providers' capacity, and demand from the warehouse (home care hours
needed outgrow the providers' hours: a capacity alert). Runs after the providers and
commissions demos, so the commissions' ledger commitments (2026-27) are in the figures too;
idempotent (imports replace)."""

from decimal import Decimal

PERIODS = ["2023-24", "2024-25", "2025-26"]
# market category -> {provider: [spend per period]}
SPEND = {
    "Home care": {
        "Riverside Care": [410_000, 520_000, 690_000],
        "Hillview Carers Centre": [220_000, 180_000, 90_000],
        "Open Minds Wellbeing": [150_000, 120_000, 0],
        "Youth Action": [60_000, 0, 0],
    },
    "Day services": {
        "Riverside Care": [120_000, 125_000, 130_000],
        "Hillview Carers Centre": [110_000, 118_000, 121_000],
        "Open Minds Wellbeing": [95_000, 99_000, 104_000],
        "Citizens Advice Demo": [0, 40_000, 52_000],
        "Little Steps Nurseries": [90_000, 95_000, 99_000],
        "Youth Action": [85_000, 88_000, 92_000],
    },
}
CQC = {
    "Riverside Care": "1-101",
    "Hillview Carers Centre": "1-202",
    "Open Minds Wellbeing": "1-303",
}
RATINGS = [
    ("1-1001", "Riverside Care", "Good", "2024-03-01"),
    ("1-2001", "Hillview Carers Centre", "Good", "2023-11-15"),
    ("1-3001", "Open Minds Wellbeing", "Outstanding", "2023-06-01"),
    ("1-1001", "Riverside Care", "Requires improvement", "2025-09-12"),
]


def spend_csv(council) -> str:
    lines = ["provider,category,area,period,amount"]
    for category, providers in SPEND.items():
        for provider, amounts in providers.items():
            for period, amount in zip(PERIODS, amounts, strict=True):
                lines.append(
                    f"{provider},{category},{council.gss_code},{period},{Decimal(amount):.2f}"
                )
    return "\n".join(lines) + "\n"


def ratings_csv() -> str:
    header = (
        "Location ID,Provider ID,Safe,Effective,Caring,Responsive,Well-led,Overall,Publication Date"
    )
    lines = [header]
    for location, provider, overall, on in RATINGS:
        q = overall
        lines.append(f"{location},{CQC[provider]},{q},{q},{q},{q},{q},{overall},{on}")
    return "\n".join(lines) + "\n"


def seed_demo(council) -> None:
    from commissioning.providers import actions as directory

    from . import actions
    from .models import Market

    if not council.gss_code:
        return
    directory.set_cqc_provider_ids(CQC)
    actions.import_spend(spend_csv(council), filename="demo-spend.csv")
    for market in Market.objects.filter(area_code=council.gss_code, area_name=council.gss_code):
        market.area_name = council.name
        market.save(update_fields=["area_name"])
    actions.import_ratings(ratings_csv())
    seed_supply(council)


# Capacity: (provider, category, service kind or "", unit, capacity); services and locations are
# the providers demo's ("<kind> (<area>)" at "<council> <area> community hub").
CAPACITY = [
    ("Riverside Care", "Home care", "Home care visits", "North", "hours", 900),
    ("Riverside Care", "Home care", "Home care visits", "South", "hours", 700),
    ("Riverside Care", "Home care", "Reablement after hospital", "Central", "hours", 500),
    ("Hillview Carers Centre", "Home care", "", "", "hours", 300),
    ("Riverside Care", "Day services", "Day centre", "North", "places", 60),
    ("Riverside Care", "Day services", "Day centre", "South", "places", 50),
    ("Open Minds Wellbeing", "Day services", "", "", "places", 40),
    ("Youth Action", "Day services", "", "", "places", 30),
]
# Demand measures in the warehouse: (market category, metric id, title, unit, values by period).
DEMAND = [
    (
        "Home care",
        "home-care-hours-needed",
        "Home care hours a week assessed as needed",
        "hours",
        [2_100, 2_400, 2_900],
    ),
    (
        "Day services",
        "day-service-places-needed",
        "Day service places assessed as needed",
        "places",
        [120, 135, 150],
    ),
]


def capacity_csv(council) -> str:
    lines = ["provider,category,area,service,location,unit,capacity"]
    for provider, category, kind, area, unit, amount in CAPACITY:
        service = f"{kind} ({area})" if kind else ""
        location = f"{council.name} {area} community hub" if area else ""
        lines.append(
            f"{provider},{category},{council.gss_code},{service},{location},{unit},{amount}"
        )
    return "\n".join(lines) + "\n"


def seed_supply(council) -> None:
    """Demand metrics and values in the warehouse, the providers' capacity, and each market's
    demand measure."""
    from intelligence.warehouse import actions as warehouse

    from . import actions
    from .models import Market

    lines = ["metric_id,area_code,period,value,numerator,denominator"]
    for _category, metric_id, title, unit, values in DEMAND:
        warehouse.save_or_update_metric(
            metric_id=metric_id,
            title=title,
            kind="count",
            polarity="neither",
            unit=unit,
            category="needs",
            source="Demo data (care assessments)",
        )
        for period, value in zip(PERIODS, values, strict=True):
            lines.append(f"{metric_id},{council.gss_code},{period},{value},,")
    warehouse.import_observations(
        "\n".join(lines) + "\n", filename="demo-demand.csv", council_code=council.gss_code
    )
    actions.import_capacity(capacity_csv(council), filename="demo-capacity.csv")
    for category, metric_id, _title, _unit, _values in DEMAND:
        market = Market.objects.filter(term__name=category, area_code=council.gss_code).first()
        if market is not None:
            actions.update_market(market, {"demand_metric_id": metric_id})
