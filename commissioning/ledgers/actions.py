"""Every write to commissioners and budget ledgers: one function per operation, each with its
checks, its transaction and its audit entry.

Public surface for other apps (funding's grants, commissions' awards):

    allocate(actor, budget, amount, memo="")                 -> LedgerTransaction
    commit(actor, budget, amount, description=, reference="") -> Commitment   (OverBudget: 409)
    spend(actor, commitment, amount, memo="")                -> LedgerTransaction
    release(actor, commitment, amount=None, memo="")         -> LedgerTransaction

``budget``/``commitment`` may be an instance or a primary key. Each movement locks the budget
row (``SELECT ... FOR UPDATE``) before reading its balance, so concurrent commitments against
one budget queue on that row and can never overspend it; the check constraints on the budget
row are the last line. Amounts are Decimals (or strings) in pounds with at most two decimal
places; bad amounts raise ``ValidationError`` naming ``amount`` (400).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from platform_core.audit.log import append as audit
from platform_core.errors import Refused
from platform_core.events import emit

from .models import (
    Budget,
    Commissioner,
    CommissionerMember,
    Commitment,
    LedgerEntry,
    LedgerTransaction,
)

MAX_AMOUNT = Decimal("999999999999.99")
Account = LedgerEntry.Account
Kind = LedgerTransaction.Kind


def money(value: Decimal) -> str:
    return f"£{value:,.2f}"


class OverBudget(Refused):
    """A commitment larger than what is available: 409 with the available amount."""

    code = "over_budget"

    def __init__(self, amount: Decimal, available: Decimal, budget: Budget):
        self.amount = amount
        self.available = available
        self.budget_id = budget.pk
        super().__init__(
            f"A commitment of {money(amount)} would overspend the budget '{budget}': "
            f"only {money(available)} is available."
        )
        self.fields = {"amount": [f"Available: {available:.2f}"]}


def parse_amount(value, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "").lstrip("£"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: [f"'{value}' is not an amount in pounds."]}) from None
    if not amount.is_finite():
        raise ValidationError({field: [f"'{value}' is not an amount in pounds."]})
    if amount <= 0:
        raise ValidationError({field: ["Must be more than zero."]})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: [f"Must be at most {MAX_AMOUNT}."]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: ["At most two decimal places (pence)."]})
    return amount.quantize(Decimal("0.01"))


def _pk(obj) -> int:
    return obj.pk if hasattr(obj, "pk") else int(obj)


def _actor(actor) -> str:
    if isinstance(actor, str):
        return actor
    return getattr(actor, "get_username", lambda: str(actor))()


# --- commissioners ----------------------------------------------------------------------------

COMMISSIONER_FIELDS = (
    "name",
    "kind",
    "description",
    "area_code",
    "care_coordinator",
    "payment_arrangement",
    "active",
)


def _check_commissioner(c: Commissioner) -> None:
    if c.kind == Commissioner.Kind.PERSONAL_BUDGET_HOLDER:
        errors = {}
        if not c.care_coordinator.strip():
            errors["care_coordinator"] = [
                "A personal budget holder needs a named care coordinator."
            ]
        if not c.payment_arrangement:
            errors["payment_arrangement"] = [
                "A personal budget is a direct payment or a managed account."
            ]
        if errors:
            raise ValidationError(errors)
    elif c.payment_arrangement:
        raise ValidationError(
            {"payment_arrangement": ["Only personal budget holders have a payment arrangement."]}
        )
    c.full_clean(validate_constraints=False)


@transaction.atomic
def create_commissioner(actor, **fields) -> Commissioner:
    commissioner = Commissioner(**{k: v for k, v in fields.items() if k in COMMISSIONER_FIELDS})
    _check_commissioner(commissioner)
    commissioner.save()
    audit(
        "commissioner.created",
        commissioner,
        actor=actor,
        detail={"name": commissioner.name, "kind": commissioner.kind},
    )
    return commissioner


@transaction.atomic
def update_commissioner(actor, commissioner: Commissioner, **changes) -> Commissioner:
    diff = {}
    for field in COMMISSIONER_FIELDS:
        if field in changes and getattr(commissioner, field) != changes[field]:
            diff[field] = {"from": str(getattr(commissioner, field)), "to": str(changes[field])}
            setattr(commissioner, field, changes[field])
    _check_commissioner(commissioner)
    commissioner.save()
    audit("commissioner.changed", commissioner, actor=actor, detail=diff)
    return commissioner


@transaction.atomic
def add_member(actor, commissioner: Commissioner, user, role: str = "") -> CommissionerMember:
    member, created = CommissionerMember.objects.get_or_create(
        commissioner=commissioner, user=user, defaults={"role": role}
    )
    if created:
        audit(
            "commissioner.member_added",
            commissioner,
            actor=actor,
            detail={"user": user.get_username(), "role": role},
        )
    return member


@transaction.atomic
def remove_member(actor, member: CommissionerMember) -> None:
    audit(
        "commissioner.member_removed",
        member.commissioner,
        actor=actor,
        detail={"user": member.user.get_username()},
    )
    member.delete()


# --- budgets ----------------------------------------------------------------------------------


@transaction.atomic
def create_budget(
    actor, commissioner: Commissioner, *, name: str, financial_year: str, purpose: str = ""
) -> Budget:
    budget = Budget(
        commissioner=commissioner, name=name, financial_year=financial_year, purpose=purpose
    )
    budget.full_clean()
    budget.save()
    audit(
        "budget.created",
        budget,
        actor=actor,
        detail={"commissioner": commissioner.pk, "name": name, "financial_year": financial_year},
    )
    return budget


def _post(
    budget: Budget,
    kind: str,
    amount: Decimal,
    *,
    debit: str,
    credit: str,
    actor,
    commitment: Commitment | None = None,
    memo: str = "",
) -> LedgerTransaction:
    """One movement: a transaction, its two balancing entries, the budget's balances. The
    caller holds the budget row lock."""
    txn = LedgerTransaction.objects.create(
        budget=budget,
        kind=kind,
        amount=amount,
        commitment=commitment,
        memo=memo[:300],
        actor=_actor(actor)[:200],
    )
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(transaction=txn, budget=budget, account=debit, amount=amount),
            LedgerEntry(transaction=txn, budget=budget, account=credit, amount=-amount),
        ]
    )
    delta = {Account.FUNDING: Decimal(0)} | {
        a: Decimal(0) for a in (Account.AVAILABLE, Account.COMMITTED, Account.SPENT)
    }
    delta[debit] += amount
    delta[credit] -= amount
    budget.allocated -= delta[Account.FUNDING]
    budget.available += delta[Account.AVAILABLE]
    budget.committed += delta[Account.COMMITTED]
    budget.spent += delta[Account.SPENT]
    budget.save(update_fields=["allocated", "available", "committed", "spent"])
    audit(
        f"budget.{kind}",
        budget,
        actor=actor,
        detail={
            "transaction": txn.pk,
            "amount": str(amount),
            "commitment": commitment.pk if commitment else None,
            "memo": memo,
        },
    )
    emit(
        "commissioning.ledger.posted",
        subject=f"commissioning/budget/{budget.pk}",
        data={
            "transaction": txn.pk,
            "kind": kind,
            "budget": budget.pk,
            "commissioner": budget.commissioner_id,
            "financial_year": budget.financial_year,
            "amount": str(amount),
            "commitment": commitment.pk if commitment else None,
            "reference": commitment.reference if commitment else "",
            "balances": {
                "allocated": str(budget.allocated),
                "available": str(budget.available),
                "committed": str(budget.committed),
                "spent": str(budget.spent),
            },
        },
    )
    return txn


def _locked_budget(budget) -> Budget:
    return Budget.objects.select_for_update().select_related("commissioner").get(pk=_pk(budget))


@transaction.atomic
def allocate(actor, budget, amount, memo: str = "") -> LedgerTransaction:
    """Money into the budget (from its funding account)."""
    amount = parse_amount(amount)
    locked = _locked_budget(budget)
    return _post(
        locked,
        Kind.ALLOCATE,
        amount,
        debit=Account.AVAILABLE,
        credit=Account.FUNDING,
        actor=actor,
        memo=memo,
    )


def commit(actor, budget, amount, *, description: str, reference: str = "") -> Commitment:
    """Set money aside; refused (``OverBudget``, 409) if more than is available."""
    amount = parse_amount(amount)
    if not (description or "").strip():
        raise ValidationError({"description": ["Say what the commitment is for."]})
    with transaction.atomic():
        locked = _locked_budget(budget)
        if amount > locked.available:
            raise OverBudget(amount, locked.available, locked)
        commitment = Commitment.objects.create(
            budget=locked,
            amount=amount,
            description=description.strip()[:300],
            reference=(reference or "")[:200],
            created_by=_actor(actor)[:200],
        )
        _post(
            locked,
            Kind.COMMIT,
            amount,
            debit=Account.COMMITTED,
            credit=Account.AVAILABLE,
            actor=actor,
            commitment=commitment,
            memo=description,
        )
    return commitment


def _against_commitment(actor, commitment, amount, kind: str, memo: str) -> LedgerTransaction:
    with transaction.atomic():
        commitment_pk = _pk(commitment)
        budget_id = Commitment.objects.values_list("budget_id", flat=True).get(pk=commitment_pk)
        locked = _locked_budget(budget_id)  # the budget first: the same lock order as commit
        current = Commitment.objects.select_for_update().get(pk=commitment_pk)
        outstanding = current.outstanding
        amount = outstanding if amount is None and kind == Kind.RELEASE else parse_amount(amount)
        if amount <= 0:
            raise Refused(f"Nothing is outstanding on the commitment '{current.description}'.")
        if amount > outstanding:
            verb = "spend" if kind == Kind.SPEND else "release"
            raise Refused(
                f"Cannot {verb} {money(amount)} against the commitment '{current.description}': "
                f"only {money(outstanding)} is outstanding."
            )
        if kind == Kind.SPEND:
            current.spent += amount
            debit = Account.SPENT
        else:
            current.released += amount
            debit = Account.AVAILABLE
        current.save(update_fields=["spent", "released"])
        return _post(
            locked,
            kind,
            amount,
            debit=debit,
            credit=Account.COMMITTED,
            actor=actor,
            commitment=current,
            memo=memo,
        )


def spend(actor, commitment, amount, memo: str = "") -> LedgerTransaction:
    """Money paid out against a commitment (an invoice, a direct payment)."""
    return _against_commitment(actor, commitment, amount, Kind.SPEND, memo)


def release(actor, commitment, amount=None, memo: str = "") -> LedgerTransaction:
    """Give back what a commitment no longer needs (all that is outstanding by default)."""
    return _against_commitment(actor, commitment, amount, Kind.RELEASE, memo)
