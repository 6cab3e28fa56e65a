"""Commissioners, the people who act for them, and double-entry budget ledgers.

A budget (per commissioner and financial year) has four accounts: ``funding`` (where allocations
come from), ``available``, ``committed`` and ``spent``. Every movement is a ``LedgerTransaction``
with exactly two ``LedgerEntry`` rows whose signed amounts (debit +, credit -) sum to zero:

    allocate  available +x / funding   -x
    commit    committed +x / available -x
    spend     spent     +x / committed -x
    release   available +x / committed -x

The budget row carries the balances (kept by ``actions`` under the row lock); its check
constraints hold ``allocated = available + committed + spent`` with no negative balance, so an
overspend cannot be stored even by code that bypasses the actions.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")

financial_year_validator = RegexValidator(
    r"^20[0-9]{2}-[0-9]{2}$", "A UK financial year as YYYY-YY, e.g. 2026-27."
)


class Commissioner(models.Model):
    class Kind(models.TextChoices):
        COUNCIL_SERVICE = "council_service", "Council service"
        WARD_COUNCILLOR = "ward_councillor", "Ward councillor (local member budget)"
        PERSONAL_BUDGET_HOLDER = "personal_budget_holder", "Personal budget holder"
        PARTNER_BODY = "partner_body", "Partner body"
        PRIVATE_ORGANISATION = "private_organisation", "Private organisation"

    class PaymentArrangement(models.TextChoices):
        NONE = "", "Not applicable"
        DIRECT_PAYMENT = "direct_payment", "Direct payment"
        MANAGED_ACCOUNT = "managed_account", "Managed account"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    description = models.TextField(blank=True)
    area_code = models.CharField(
        max_length=12, blank=True, help_text="The ward (or other area) it commissions for."
    )
    care_coordinator = models.CharField(
        max_length=200, blank=True, help_text="Personal budget holders: the named care coordinator."
    )
    payment_arrangement = models.CharField(
        max_length=20, choices=PaymentArrangement.choices, blank=True, default=""
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                name="ledgers_commissioner_pbh_has_coordinator_and_arrangement",
                condition=~Q(kind="personal_budget_holder")
                | (~Q(care_coordinator="") & ~Q(payment_arrangement="")),
            ),
            models.CheckConstraint(
                name="ledgers_commissioner_arrangement_only_for_pbh",
                condition=Q(kind="personal_budget_holder") | Q(payment_arrangement=""),
            ),
        ]

    def __str__(self):
        return self.name


class CommissionerMember(models.Model):
    """A council-domain account that acts for a commissioner (sees its budgets, commits)."""

    commissioner = models.ForeignKey(Commissioner, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commissioner_memberships"
    )
    role = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["commissioner", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commissioner", "user"], name="ledgers_member_once_per_commissioner"
            )
        ]

    def __str__(self):
        return f"{self.user} for {self.commissioner}"


class Budget(models.Model):
    commissioner = models.ForeignKey(Commissioner, on_delete=models.PROTECT, related_name="budgets")
    name = models.CharField(max_length=200)
    financial_year = models.CharField(max_length=7, validators=[financial_year_validator])
    purpose = models.TextField(blank=True)
    allocated = models.DecimalField(**MONEY, default=ZERO, editable=False)
    available = models.DecimalField(**MONEY, default=ZERO, editable=False)
    committed = models.DecimalField(**MONEY, default=ZERO, editable=False)
    spent = models.DecimalField(**MONEY, default=ZERO, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-financial_year", "name", "id"]
        permissions = [("view_all_budgets", "Can see every commissioner's budgets")]
        constraints = [
            models.UniqueConstraint(
                fields=["commissioner", "name", "financial_year"],
                name="ledgers_budget_unique_per_year",
            ),
            models.CheckConstraint(
                name="ledgers_budget_balances",
                condition=Q(allocated=F("available") + F("committed") + F("spent")),
            ),
            models.CheckConstraint(
                name="ledgers_budget_no_negative_balance",
                condition=Q(available__gte=0) & Q(committed__gte=0) & Q(spent__gte=0),
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.financial_year}"


class Commitment(models.Model):
    """Money set aside from a budget for one purpose (an award, a grant, a personal-budget
    purchase); spent or released against it later."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="commitments")
    amount = models.DecimalField(**MONEY)
    spent = models.DecimalField(**MONEY, default=ZERO)
    released = models.DecimalField(**MONEY, default=ZERO)
    description = models.CharField(max_length=300)
    reference = models.CharField(
        max_length=200,
        blank=True,
        help_text="What it is for, in the caller's terms, e.g. 'commissions/contract/12'.",
    )
    created_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="ledgers_commitment_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="ledgers_commitment_within_amount",
                condition=Q(spent__gte=0)
                & Q(released__gte=0)
                & Q(amount__gte=F("spent") + F("released")),
            ),
        ]

    def __str__(self):
        return f"{self.description} ({self.amount})"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.spent - self.released


class LedgerTransaction(models.Model):
    class Kind(models.TextChoices):
        ALLOCATE = "allocate", "Allocation"
        COMMIT = "commit", "Commitment"
        SPEND = "spend", "Spend"
        RELEASE = "release", "Release"

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(**MONEY)
    commitment = models.ForeignKey(
        Commitment, null=True, blank=True, on_delete=models.PROTECT, related_name="transactions"
    )
    memo = models.CharField(max_length=300, blank=True)
    actor = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(name="ledgers_transaction_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="ledgers_transaction_commitment_when_needed",
                condition=Q(kind="allocate") | Q(commitment__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class LedgerEntry(models.Model):
    class Account(models.TextChoices):
        FUNDING = "funding", "Funding"
        AVAILABLE = "available", "Available"
        COMMITTED = "committed", "Committed"
        SPENT = "spent", "Spent"

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="entries")
    account = models.CharField(max_length=10, choices=Account.choices)
    amount = models.DecimalField(**MONEY, help_text="Debit positive, credit negative.")

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(name="ledgers_entry_nonzero", condition=~Q(amount=0)),
            models.UniqueConstraint(
                fields=["transaction", "account"], name="ledgers_entry_one_per_account"
            ),
        ]

    def __str__(self):
        return f"{self.account} {self.amount}"
