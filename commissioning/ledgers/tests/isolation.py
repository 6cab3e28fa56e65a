"""Council A's commissioners and budgets, and how the isolation probe reaches every
/api/v1/commissioning/ route (see tests/isolation/__init__.py for the convention)."""

from tests.isolation.probe import FORM, MARKER, Form, Seed


def probe_objects(w) -> None:
    from commissioning.ledgers import actions

    w.commissioner = actions.create_commissioner(
        "probe", name=f"{MARKER} ward councillor", kind="ward_councillor", description=MARKER
    )
    w.budget = actions.create_budget(
        "probe", w.commissioner, name=f"{MARKER} budget", financial_year="2026-27", purpose=MARKER
    )
    actions.allocate("probe", w.budget, "10000.00", memo=MARKER)
    w.commitment = actions.commit("probe", w.budget, "500.00", description=f"{MARKER} spend")
    w.release_commitment = actions.commit(
        "probe", w.budget, "500.00", description=f"{MARKER} release"
    )


def probe_seeds() -> list[Seed]:
    return [
        # Wagtail admin: commissioners (a ModelViewSet) and a budget's ledger screen
        Seed(
            "commissioners:add",
            body={"POST": Form({"name": "Probe partner", "kind": "partner_body"})},
        ),
        Seed(
            "commissioners:edit",
            kwargs=lambda w: {"pk": w.commissioner.pk},
            body={"POST": FORM},
        ),
        Seed(
            "budgets:add",
            body={
                "POST": Form(
                    lambda w: {
                        "commissioner": str(w.commissioner.pk),
                        "name": "Probe budget 3",
                        "financial_year": "2027-28",
                    }
                )
            },
            reason="B's form cannot name A's commissioner (not among B's choices)",
        ),
        Seed(
            "budgets:ledger",
            kwargs=lambda w: {"pk": w.budget.pk},
            body={
                "POST": {
                    "form": "commit",
                    "commit-amount": "1.00",
                    "commit-description": "Probe commitment",
                }
            },
        ),
        Seed(
            "commissioning-commissioner-list",
            body={"POST": {"name": "Probe partner", "kind": "partner_body"}},
        ),
        Seed(
            "commissioning-commissioner-detail",
            kwargs=lambda w: {"pk": w.commissioner.pk},
            body={"PATCH": {"description": "Changed by the probe"}},
        ),
        Seed(
            "commissioning-budget-list",
            body={
                "POST": lambda w: {
                    "commissioner": w.commissioner.pk,
                    "name": "Probe budget 2",
                    "financial_year": "2027-28",
                }
            },
        ),
        Seed("commissioning-budget-detail", kwargs=lambda w: {"pk": w.budget.pk}),
        Seed("commissioning-budget-ledger", kwargs=lambda w: {"pk": w.budget.pk}),
        Seed(
            "commissioning-budget-allocate",
            kwargs=lambda w: {"pk": w.budget.pk},
            body={"POST": {"amount": "100.00"}},
        ),
        Seed(
            "commissioning-budget-commit",
            kwargs=lambda w: {"pk": w.budget.pk},
            body={"POST": {"amount": "1.00", "description": "Probe commitment"}},
        ),
        Seed("commissioning-commitment-detail", kwargs=lambda w: {"pk": w.commitment.pk}),
        Seed(
            "commissioning-commitment-spend",
            kwargs=lambda w: {"pk": w.commitment.pk},
            body={"POST": {"amount": "1.00"}},
        ),
        Seed(
            "commissioning-commitment-release",
            kwargs=lambda w: {"pk": w.release_commitment.pk},
            body={"POST": {"amount": "1.00"}},
        ),
    ]
