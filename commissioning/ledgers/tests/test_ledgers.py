"""Commissioners and double-entry budget ledgers: balances, refusals, scoping, the API."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django_tenants.utils import schema_context

from commissioning.ledgers import access, actions
from commissioning.ledgers.models import Budget, Commissioner, LedgerEntry

API = "/api/v1/commissioning/"


def _budget(name="Ward budget", kind="ward_councillor", amount="5000.00", **extra):
    commissioner = actions.create_commissioner("test", name=name, kind=kind, **extra)
    budget = actions.create_budget("test", commissioner, name=name, financial_year="2026-27")
    if amount:
        actions.allocate("test", budget, amount)
    return commissioner, budget


def test_every_movement_balances_and_the_budget_follows_its_entries(council_a, in_council):
    with in_council(council_a):
        _, budget = _budget()
        c1 = actions.commit("test", budget, "1200.50", description="Lunch club")
        actions.spend("test", c1, "200.50")
        actions.release("test", c1)  # the rest of it
        actions.commit("test", budget, "300", description="Bus trip")
        budget.refresh_from_db()
        assert access.balances(budget) == {
            "allocated": Decimal("5000.00"),
            "available": Decimal("4499.50"),
            "committed": Decimal("300.00"),
            "spent": Decimal("200.50"),
        }
        assert access.ledger_problems() == []
        # Five movements, ten entries, each pair summing to zero.
        assert budget.transactions.count() == 5
        assert LedgerEntry.objects.filter(budget=budget).count() == 10
        c1.refresh_from_db()
        assert (c1.spent, c1.released, c1.outstanding) == (
            Decimal("200.50"),
            Decimal("1000.00"),
            Decimal("0.00"),
        )


def test_ledger_check_finds_an_unbalanced_entry(council_a, in_council):
    """The check can fail: an entry written behind the actions' back is reported."""
    with in_council(council_a):
        _, budget = _budget()
        txn = budget.transactions.get()
        LedgerEntry.objects.create(transaction=txn, budget=budget, account="spent", amount=1)
        problems = access.ledger_problems([budget.pk])
        assert any(f"transaction {txn.pk}" in p for p in problems)
        assert any("spent is 0.00, entries say 1" in p for p in problems)


def test_the_database_refuses_an_unbalanced_or_overspent_budget(council_a, in_council):
    with in_council(council_a):
        _, budget = _budget()
        with pytest.raises(IntegrityError), transaction.atomic():
            Budget.objects.filter(pk=budget.pk).update(available=Decimal("6000.00"))
        with pytest.raises(IntegrityError), transaction.atomic():
            Budget.objects.filter(pk=budget.pk).update(
                available=Decimal("-1.00"), committed=Decimal("5001.00")
            )


def test_overspend_is_refused_with_the_amount_available(council_a, in_council):
    with in_council(council_a):
        _, budget = _budget(amount="750.00")
        actions.commit("test", budget, "700", description="Litter picks")
        with pytest.raises(actions.OverBudget) as refused:
            actions.commit("test", budget, "50.01", description="One too many")
        assert refused.value.available == Decimal("50.00")
        assert "£50.00 is available" in refused.value.message
        budget.refresh_from_db()
        assert budget.available == Decimal("50.00") and budget.commitments.count() == 1


def test_spend_beyond_a_commitment_is_refused(council_a, in_council):
    from platform_core.errors import Refused

    with in_council(council_a):
        _, budget = _budget()
        commitment = actions.commit("test", budget, "100", description="Hall hire")
        with pytest.raises(Refused, match="only £100.00 is outstanding"):
            actions.spend("test", commitment, "100.01")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "not an amount"),
        ("-5", "more than zero"),
        ("0", "more than zero"),
        ("1.001", "two decimal places"),
        ("NaN", "not an amount"),
        ("1e20", "at most"),
    ],
)
def test_bad_amounts_are_refused_naming_the_field(council_a, in_council, value, message):
    from django.core.exceptions import ValidationError

    with in_council(council_a):
        _, budget = _budget()
        with pytest.raises(ValidationError) as error:
            actions.commit("test", budget, value, description="x")
        assert message in " ".join(error.value.message_dict["amount"])


def test_personal_budget_holder_needs_a_care_coordinator_and_an_arrangement(council_a, in_council):
    from django.core.exceptions import ValidationError

    with in_council(council_a):
        with pytest.raises(ValidationError) as error:
            actions.create_commissioner("test", name="Ann", kind="personal_budget_holder")
        assert set(error.value.message_dict) == {"care_coordinator", "payment_arrangement"}
        ann = actions.create_commissioner(
            "test",
            name="Ann",
            kind="personal_budget_holder",
            care_coordinator="Sam Patel",
            payment_arrangement="direct_payment",
        )
        assert ann.get_payment_arrangement_display() == "Direct payment"
        with pytest.raises(ValidationError, match="Only personal budget holders"):
            actions.create_commissioner(
                "test", name="Ward", kind="ward_councillor", payment_arrangement="direct_payment"
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            Commissioner.objects.create(name="Bypass", kind="personal_budget_holder")


# --- the API ------------------------------------------------------------------------------------


def _member_client(council, staff_client_factory, commissioner, username):
    client = staff_client_factory(council, groups=("Commissioners",), username=username)
    with schema_context(council.schema_name):
        actions.add_member("test", commissioner, client.user, role="councillor")
    return client


def test_a_commissioner_sees_only_its_own_budgets(council_a, staff_client_factory, in_council):
    with in_council(council_a):
        mine, my_budget = _budget("Cllr Jones")
        _, their_budget = _budget("Cllr Smith")
    client = _member_client(council_a, staff_client_factory, mine, "jones@alphaford.example")
    listed = client.get(API + "budgets/").json()["results"]
    assert [b["id"] for b in listed] == [my_budget.pk]
    assert client.get(f"{API}budgets/{my_budget.pk}/").status_code == 200
    other = client.get(f"{API}budgets/{their_budget.pk}/")
    missing = client.get(f"{API}budgets/987654321/")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    refused = client.post(
        f"{API}budgets/{their_budget.pk}/commit/",
        {"amount": "1.00", "description": "Not mine"},
        content_type="application/json",
    )
    assert refused.status_code == 404
    # And a member may not allocate money to its own budget (finance staff do).
    assert (
        client.post(
            f"{API}budgets/{my_budget.pk}/allocate/",
            {"amount": "1.00"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_commit_over_the_api_and_the_409_names_what_is_available(
    council_a, staff_client_factory, in_council
):
    with in_council(council_a):
        mine, budget = _budget("Cllr Jones", amount="1000.00")
    client = _member_client(council_a, staff_client_factory, mine, "jones@alphaford.example")
    url = f"{API}budgets/{budget.pk}/commit/"
    ok = client.post(
        url, {"amount": "900.00", "description": "Park benches"}, content_type="application/json"
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["outstanding"] == "900.00"
    over = client.post(
        url, {"amount": "100.01", "description": "Planters"}, content_type="application/json"
    )
    assert over.status_code == 409
    error = over.json()["error"]
    assert error["code"] == "over_budget"
    assert "£100.00 is available" in error["message"]
    assert error["fields"] == {"amount": ["Available: 100.00"]}
    bad = client.post(
        url, {"amount": "lots", "description": "Planters"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "amount" in bad.json()["error"]["fields"]
    ledger = client.get(f"{API}budgets/{budget.pk}/ledger/").json()["results"]
    assert [t["kind"] for t in ledger] == ["allocate", "commit"]
    assert all(sum(Decimal(e["amount"]) for e in t["entries"]) == 0 for t in ledger)


def test_staff_create_commissioners_and_budgets_over_the_api(client_a, client_b):
    made = client_a.post(
        API + "commissioners/",
        {
            "name": "Ann Example",
            "kind": "personal_budget_holder",
            "care_coordinator": "Sam Patel",
            "payment_arrangement": "managed_account",
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    bad = client_a.post(
        API + "commissioners/",
        {"name": "No coordinator", "kind": "personal_budget_holder"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "care_coordinator" in bad.json()["error"]["fields"]
    commissioner = made.json()["id"]
    budget = client_a.post(
        API + "budgets/",
        {"commissioner": commissioner, "name": "Personal budget", "financial_year": "2026-27"},
        content_type="application/json",
    )
    assert budget.status_code == 201, budget.content
    assert (
        client_a.post(
            API + "budgets/",
            {"commissioner": commissioner, "name": "Personal budget", "financial_year": "2026-27"},
            content_type="application/json",
        ).status_code
        == 400
    )
    assert (
        client_a.post(
            API + "budgets/",
            {"commissioner": commissioner, "name": "Odd year", "financial_year": "2026"},
            content_type="application/json",
        ).status_code
        == 400
    )
    budget_id = budget.json()["id"]
    allocated = client_a.post(
        f"{API}budgets/{budget_id}/allocate/", {"amount": "15000"}, content_type="application/json"
    )
    assert allocated.status_code == 200 and allocated.json()["available"] == "15000.00"
    # Council B's staff get what a missing budget gets.
    assert client_b.get(f"{API}budgets/{budget_id}/").status_code == 404
    assert client_b.get(f"{API}budgets/?financial_year=bad").status_code == 400


def test_demo_has_every_kind_of_commissioner_with_balanced_budgets(council_a, in_council):
    from commissioning.ledgers.demo import seed_demo

    with in_council(council_a):
        seed_demo(council_a)
        seed_demo(council_a)  # idempotent
        kinds = set(Commissioner.objects.values_list("kind", flat=True))
        assert kinds == set(Commissioner.Kind.values)
        assert Budget.objects.filter(allocated__gt=0).count() == len(
            Commissioner.objects.filter(name__in=[c[0] for c in _demo_names()])
        )
        assert access.ledger_problems() == []


def _demo_names():
    from commissioning.ledgers.demo import DEMO_COMMISSIONERS

    return DEMO_COMMISSIONERS
