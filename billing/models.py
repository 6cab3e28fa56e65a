"""Plans, subscriptions, metered usage, quota warnings and invoices (all in ``public``).

Billing is a shared app: every row names its council by foreign key to ``tenants.Council``
(a shared model), never a row in a council's schema. Invoices keep the council's name and slug
as issued, so they outlive the council (financial records are kept for six years).
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models


class Metric(models.TextChoices):
    """What is metered. API calls and page views are counted per month; storage and staff
    users are measured (the month's peak is what counts)."""

    STORAGE = "storage", "Storage"
    API_CALLS = "api_calls", "API calls per month"
    STAFF_USERS = "staff_users", "Staff users"
    PAGE_VIEWS = "page_views", "Page views per month"


COUNTED = (Metric.API_CALLS, Metric.PAGE_VIEWS)
MEASURED = (Metric.STORAGE, Metric.STAFF_USERS)
# Refused with a 429 at 100% (the metered action is refused before anything is written); the
# others are warned about and invoiced as overage, never refused: residents always reach
# their council's pages, and staff always sign in.
HARD_LIMITS = (Metric.API_CALLS, Metric.STORAGE)

money = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class Plan(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    monthly_price = models.DecimalField("monthly price (£, before VAT)", **money)
    storage_quota = models.PositiveBigIntegerField(
        "storage quota (bytes)", help_text="Records content and media, in bytes."
    )
    api_calls_quota = models.PositiveBigIntegerField("API calls per month")
    staff_users_quota = models.PositiveIntegerField("staff users")
    page_views_quota = models.PositiveBigIntegerField("page views per month")
    extra_staff_user_price = models.DecimalField(
        "price per staff user over the quota (£ per month)", **money
    )
    page_views_overage_price = models.DecimalField(
        "price per 1,000 page views over the quota (£)", **money
    )
    is_default = models.BooleanField(
        default=False, help_text="New councils are subscribed to the default plan."
    )
    is_active = models.BooleanField(default=True, help_text="Offered to councils.")
    features = models.JSONField(
        default=dict,
        blank=True,
        help_text='Defaults of optional features for councils on this plan, e.g. {"markets": '
        "false}; a feature not named here follows the platform's default "
        "(platform_core.features). Platform staff may still switch a feature per council.",
    )

    class Meta:
        ordering = ["monthly_price", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="billing_one_default_plan",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from platform_core import features

        if not isinstance(self.features, dict):
            raise ValidationError({"features": ['Give an object, e.g. {"markets": false}.']})
        errors = []
        for key, value in self.features.items():
            try:
                features.get(key)
            except ValidationError as exc:
                errors.extend(exc.messages)
            if not isinstance(value, bool):
                errors.append(f"“{key}” must be true or false, not {value!r}.")
        if errors:
            raise ValidationError({"features": errors})

    def quota(self, metric: str) -> int:
        return int(getattr(self, f"{metric}_quota"))

    def quotas(self) -> dict[str, int]:
        return {m.value: self.quota(m.value) for m in Metric}


class Subscription(models.Model):
    """One per council: its plan since ``started_on`` (the first invoice is pro-rated from it)."""

    council = models.OneToOneField(
        "tenants.Council", on_delete=models.CASCADE, related_name="subscription"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    started_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["council__name"]

    def __str__(self):
        return f"{self.council} on {self.plan}"


class Usage(models.Model):
    """A council's use of one metric in one month (``period`` is the month's first day).

    Counted metrics: the month's total (flushed from the Redis counters). Measured metrics:
    ``quantity`` is the month's peak, ``latest`` the last measurement."""

    council = models.ForeignKey("tenants.Council", on_delete=models.CASCADE, related_name="usage")
    period = models.DateField()
    metric = models.CharField(max_length=20, choices=Metric.choices)
    quantity = models.PositiveBigIntegerField(default=0)
    latest = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period", "council__name", "metric"]
        verbose_name_plural = "usage"
        constraints = [
            models.UniqueConstraint(
                fields=["council", "period", "metric"], name="billing_usage_once_per_month"
            )
        ]

    def __str__(self):
        return f"{self.council} {self.period:%Y-%m} {self.metric}: {self.quantity}"


class QuotaWarning(models.Model):
    """An email sent to a council's administrators when a metric passed 80% (or 100%) of its
    quota: at most once per council, month, metric and threshold."""

    council = models.ForeignKey(
        "tenants.Council", on_delete=models.CASCADE, related_name="quota_warnings"
    )
    period = models.DateField()
    metric = models.CharField(max_length=20, choices=Metric.choices)
    threshold = models.PositiveSmallIntegerField(help_text="Percent of the quota.")
    quantity = models.PositiveBigIntegerField()
    quota = models.PositiveBigIntegerField()
    recipients = models.TextField(blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "period", "metric", "threshold"],
                name="billing_warning_once_per_month",
            )
        ]

    def __str__(self):
        return f"{self.council} {self.period:%Y-%m} {self.metric} {self.threshold}%"


class Invoice(models.Model):
    """A month's invoice. Issued once and never changed (``generate_invoices`` skips a month
    already invoiced); the council's name is kept as issued."""

    number = models.CharField(max_length=40, unique=True)
    council = models.ForeignKey(
        "tenants.Council",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invoices",
    )
    council_name = models.CharField(max_length=200)
    council_slug = models.CharField(max_length=40)
    period = models.DateField(help_text="First day of the invoiced month.")
    plan_name = models.CharField(max_length=100)
    issued_on = models.DateField()
    due_on = models.DateField()
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField("VAT rate", max_digits=4, decimal_places=3)
    vat = models.DecimalField("VAT", max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    usage = models.JSONField(default=dict, help_text="The month's usage and quotas, as invoiced.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period", "council_name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "period"], name="billing_invoice_per_month")
        ]

    def __str__(self):
        return self.number


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    unit_price = models.DecimalField(max_digits=12, decimal_places=4)
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="billing_line_position")
        ]

    def __str__(self):
        return self.description
