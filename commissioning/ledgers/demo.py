"""Demo commissioners of every kind with budgets for ``make run`` (the registry's demo phase).
Idempotent: a commissioner that exists (by name) is left as it is."""

from decimal import Decimal

FINANCIAL_YEAR = "2026-27"

# (name, kind, extra fields, budget name, allocation, [(commitment, amount, spent)])
DEMO_COMMISSIONERS = [
    (
        "Adult Social Care",
        "council_service",
        {"description": "The council's adult social care commissioning team."},
        "Community support",
        "250000.00",
        [("Day opportunities framework", "60000.00", "15000.00")],
    ),
    (
        "Children and Families",
        "council_service",
        {"description": "Early help and family hubs."},
        "Early help",
        "120000.00",
        [],
    ),
    (
        "Cllr Priya Shah (Ward 1)",
        "ward_councillor",
        {"description": "Local member budget for Ward 1."},
        "Ward 1 member budget",
        "5000.00",
        [("Christmas lunch for isolated residents", "750.00", "750.00")],
    ),
    (
        "Cllr Tom Reed (Ward 2)",
        "ward_councillor",
        {"description": "Local member budget for Ward 2."},
        "Ward 2 member budget",
        "750.00",
        [],
    ),
    (
        "Margaret Hughes",
        "personal_budget_holder",
        {
            "care_coordinator": "Sam Patel (adult social care)",
            "payment_arrangement": "direct_payment",
        },
        "Personal budget",
        "12480.00",
        [("Home care visits, 6 hours a week", "9360.00", "2340.00")],
    ),
    (
        "Derek Wilson",
        "personal_budget_holder",
        {
            "care_coordinator": "Joanna Green (learning disabilities team)",
            "payment_arrangement": "managed_account",
        },
        "Personal budget",
        "8200.00",
        [],
    ),
    (
        "Integrated Care Board (place team)",
        "partner_body",
        {"description": "The NHS integrated care board's place-based budget."},
        "Better Care Fund (pooled)",
        "80000.00",
        [("Reablement after hospital", "30000.00", "0.00")],
    ),
    (
        "Brightwell Supermarkets community fund",
        "private_organisation",
        {"description": "A local employer's community fund, commissioning with the council."},
        "Community fund",
        "10000.00",
        [],
    ),
]


def seed_demo(council) -> None:
    from . import actions
    from .models import Commissioner

    for name, kind, extra, budget_name, allocation, commitments in DEMO_COMMISSIONERS:
        if Commissioner.objects.filter(name=name).exists():
            continue
        commissioner = actions.create_commissioner("demo", name=name, kind=kind, **extra)
        budget = actions.create_budget(
            "demo", commissioner, name=budget_name, financial_year=FINANCIAL_YEAR
        )
        actions.allocate("demo", budget, allocation, memo="Demo allocation")
        for description, amount, spent in commitments:
            commitment = actions.commit(
                "demo", budget, amount, description=description, reference="demo"
            )
            if Decimal(spent) > 0:
                actions.spend("demo", commitment, spent, memo="Demo invoice")
