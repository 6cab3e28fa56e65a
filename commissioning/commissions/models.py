"""Commissions from need to outcome, and elected members' priorities (the levers).

A ``Commission`` belongs to a commissioner (``ledgers.Commissioner``) and pays from one of its
budgets (``ledgers.Budget``). The full path: need → opportunity (published: the council website
and an OCDS tender) → sealed ``Bid``s from directory organisations (``providers.Organization``)
until the deadline → ``Score``s against weighted ``Criterion``s by several ``Evaluator``s
(moderated) → award (a decision in records' register and a ledger commitment) → ``Contract`` with
``Kpi``s, ``Milestone``s and ``MonitoringReturn``s → outcome. The light path (personal budget
holders, ward councillors) goes straight from a chosen provider and an agreed price to a
commitment and a contract.

Every stage change stores an OCDS 1.1 ``Release`` (the feed and the records are built from them).
Other apps' rows are referenced by id where the sibling has no model we may point at (the
decision in records, the commitment in ledgers).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

MONEY = {"max_digits": 14, "decimal_places": 2}


class Priority(models.Model):
    """An elected member's priority: an outcome with a weight (1-5) and the areas it is about.
    Its metrics (warehouse metric ids) say which needs data measure it."""

    title = models.CharField(max_length=200)
    outcome = models.TextField(blank=True, help_text="The outcome sought, in plain words.")
    weight = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    metric_ids = models.JSONField(
        default=list, blank=True, help_text="Warehouse metric ids that measure the need."
    )
    area_codes = models.JSONField(default=list, blank=True, help_text="Wards or other areas.")
    set_by = models.CharField(max_length=200, help_text="The member (or cabinet) who set it.")
    decision_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="The decision in the records register."
    )
    published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-weight", "title", "id"]
        verbose_name_plural = "priorities"
        constraints = [
            models.CheckConstraint(
                name="commissions_priority_weight_1_to_5", condition=Q(weight__gte=1, weight__lte=5)
            )
        ]

    def __str__(self):
        return self.title


class Commission(models.Model):
    class Stage(models.TextChoices):
        PLANNING = "planning", "Need identified (planning)"
        TENDER = "tender", "Open for bids"
        EVALUATION = "evaluation", "Evaluation"
        AWARDED = "awarded", "Awarded"
        CONTRACT = "contract", "Contract running"
        COMPLETE = "complete", "Complete (outcome recorded)"
        CANCELLED = "cancelled", "Cancelled"

    class Path(models.TextChoices):
        FULL = "full", "Open opportunity"
        LIGHT = "light", "Direct (personal budget or member budget)"

    commissioner = models.ForeignKey(
        "ledgers.Commissioner", on_delete=models.PROTECT, related_name="commissions"
    )
    budget = models.ForeignKey("ledgers.Budget", on_delete=models.PROTECT, related_name="+")
    priority = models.ForeignKey(
        Priority, null=True, blank=True, on_delete=models.SET_NULL, related_name="commissions"
    )
    title = models.CharField(max_length=300)
    need = models.TextField(help_text="The need this commission answers.")
    description = models.TextField(blank=True)
    area_code = models.CharField(max_length=12, blank=True)
    category = models.CharField(max_length=200, blank=True, help_text="Service category (LGSL).")
    estimated_value = models.DecimalField(**MONEY)
    path = models.CharField(max_length=10, choices=Path.choices, default=Path.FULL)
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.PLANNING)
    ocid = models.CharField(max_length=100, unique=True)
    published_at = models.DateTimeField(null=True, blank=True)
    tender_deadline = models.DateTimeField(null=True, blank=True)
    awarded_bid = models.OneToOneField(
        "Bid", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    award_value = models.DecimalField(**MONEY, null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    decision_id = models.PositiveIntegerField(null=True, blank=True)
    commitment_id = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    outcome_rating = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="How far the outcome met the priority, 1 (not at all) to 5 (fully).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="commissions_value_positive", condition=Q(estimated_value__gt=0)
            )
        ]

    def __str__(self):
        return self.title

    @property
    def bids_open(self) -> bool:
        from django.utils import timezone

        return (
            self.stage == self.Stage.TENDER
            and self.tender_deadline is not None
            and timezone.now() < self.tender_deadline
        )


class Criterion(models.Model):
    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=200)
    weight = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Percent; a commission's weights add up to 100.",
    )

    class Meta:
        ordering = ["commission", "-weight", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "name"], name="commissions_criterion_name"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.weight}%)"


class ProviderRepresentative(models.Model):
    """A council-domain account that acts for a directory organisation (bids for it). Also how
    an evaluator's own organisation is known."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_links"
    )
    organization = models.ForeignKey(
        "providers.Organization", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="commissions_representative_once"
            )
        ]

    def __str__(self):
        return f"{self.user} for {self.organization_id}"


class Bid(models.Model):
    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="bids")
    organization = models.ForeignKey(
        "providers.Organization", on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.CharField(max_length=200)
    price = models.DecimalField(**MONEY)
    proposal = models.TextField()
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["commission", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "organization"], name="commissions_one_bid_per_organisation"
            ),
            models.CheckConstraint(name="commissions_bid_price_positive", condition=Q(price__gt=0)),
        ]

    def __str__(self):
        return f"Bid {self.pk} on {self.commission_id}"


class Evaluator(models.Model):
    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="evaluators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    moderator = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "user"], name="commissions_evaluator_once"
            )
        ]

    def __str__(self):
        return f"{self.user} on {self.commission_id}"


class Score(models.Model):
    """One evaluator's score (0-10) of one bid on one criterion. A moderated score (by the
    commission's moderator) replaces the evaluators' mean for that bid and criterion."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    moderated = models.BooleanField(default=False)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "criterion", "evaluator", "moderated"],
                name="commissions_score_once",
            ),
            models.CheckConstraint(
                name="commissions_score_0_to_10", condition=Q(score__gte=0, score__lte=10)
            ),
        ]

    def __str__(self):
        return f"{self.score} for bid {self.bid_id}"


class Contract(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        TERMINATED = "terminated", "Terminated"

    commission = models.OneToOneField(Commission, on_delete=models.PROTECT, related_name="contract")
    organization = models.ForeignKey(
        "providers.Organization", on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(**MONEY)
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                name="commissions_contract_dates", condition=Q(end_date__gte=models.F("start_date"))
            )
        ]

    def __str__(self):
        return f"Contract for {self.commission}"


class Kpi(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=200)
    target = models.DecimalField(max_digits=12, decimal_places=2)
    unit = models.CharField(max_length=40, blank=True)
    higher_is_better = models.BooleanField(default=True)

    class Meta:
        ordering = ["contract", "id"]
        verbose_name = "KPI"

    def __str__(self):
        return self.name


class Milestone(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_date = models.DateField()
    met_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "due_date", "id"]

    def __str__(self):
        return self.title


class MonitoringReturn(models.Model):
    """A provider's periodic return: KPI values and the amount invoiced (spent from the
    commitment)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="returns")
    period = models.CharField(max_length=20, help_text="e.g. 2026-Q3 or 2026-09")
    values = models.JSONField(default=dict, help_text="KPI id → value.")
    amount_invoiced = models.DecimalField(**MONEY, default=Decimal("0.00"))
    ledger_transaction_id = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "period", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "period"], name="commissions_return_once")
        ]

    def __str__(self):
        return f"Return {self.period}"


class Release(models.Model):
    """One OCDS 1.1 release, stored when a commission changes stage (never edited)."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="releases")
    release_id = models.CharField(max_length=200, unique=True)
    tag = models.CharField(max_length=30)
    date = models.DateTimeField()
    data = models.JSONField()

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["date", "id"], name="commissions_release_date")]

    def __str__(self):
        return self.release_id
