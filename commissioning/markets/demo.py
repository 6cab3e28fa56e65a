"""Demo markets for ``make run``: three years of spend in two markets of the demo directory
(home care concentrating on one provider, so it raises alerts; day services spread out) and
CQC ratings with one change. Runs after the providers demo; idempotent (imports replace)."""

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
