"""Markets: a service category (a directory taxonomy term) in an area, with the spend, ratings
and figures that say whether it is working. Directory objects are referenced by foreign key
(``providers.*``); markets reads them through ``commissioning.providers.access``."""

from django.core.validators import RegexValidator
from django.db import models

GSS_CODE = RegexValidator(
    r"^[EKNSW][0-9]{8}$", "A GSS code is a letter (E, K, N, S or W) and eight digits."
)


CAPACITY_UNITS = [("places", "places"), ("hours", "hours a week")]


class Market(models.Model):
    term = models.ForeignKey("providers.TaxonomyTerm", on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField("area GSS code", max_length=9, validators=[GSS_CODE])
    area_name = models.CharField(max_length=200)
    demand_metric_id = models.CharField(
        max_length=100,
        blank=True,
        help_text="Warehouse metric giving demand in this area (e.g. people needing home care)",
    )
    capacity = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Places or hours the providers can supply, when no provider capacity is "
        "imported (imported capacity replaces it)",
    )
    capacity_unit = models.CharField(
        max_length=10, choices=CAPACITY_UNITS, default="places", help_text="What capacity counts"
    )
    min_capacity = models.PositiveIntegerField(
        "capacity threshold",
        null=True,
        blank=True,
        help_text="Raise an alert when capacity falls below this",
    )
    supply = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Capacity against demand, as last recomputed",
    )

    class Meta:
        ordering = ["area_name", "term__name"]
        constraints = [
            models.UniqueConstraint(fields=["term", "area_code"], name="markets_market_once")
        ]

    @property
    def name(self) -> str:
        return f"{self.term.name} in {self.area_name}"

    def __str__(self):
        return self.name


class ImportBatch(models.Model):
    """One accepted CSV import: who, when, which file, how many rows (spend or capacity)."""

    label = "Import"

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=200, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.label} {self.pk} ({self.rows} rows)"


class SpendImport(ImportBatch):
    label = "Spend import"

    class Meta(ImportBatch.Meta):
        pass


class Spend(models.Model):
    """One line of spend: a provider's income from the council in a market and period."""

    batch = models.ForeignKey(SpendImport, on_delete=models.CASCADE, related_name="lines")
    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="spend")
    organization = models.ForeignKey(
        "providers.Organization", on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(max_length=20)
    period_start = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        indexes = [models.Index(fields=["market", "period_start"], name="markets_spend_period")]

    def __str__(self):
        return f"{self.market_id} {self.period}: {self.amount}"


class CapacityImport(ImportBatch):
    label = "Capacity import"

    class Meta(ImportBatch.Meta):
        pass


class Capacity(models.Model):
    """What one provider can supply in a market (places or hours a week), for the whole provider
    or one of its services and/or locations (a capacity CSV import)."""

    batch = models.ForeignKey(CapacityImport, on_delete=models.CASCADE, related_name="lines")
    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="capacities")
    organization = models.ForeignKey(
        "providers.Organization", on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        "providers.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    location = models.ForeignKey(
        "providers.Location", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.CharField(max_length=10, choices=CAPACITY_UNITS)
    amount = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "capacities"
        indexes = [models.Index(fields=["market"], name="markets_capacity_market")]

    def __str__(self):
        return f"{self.market_id}: {self.amount} {self.unit}"


class Rating(models.Model):
    """A CQC rating of one location of a provider (the CQC's published layout)."""

    RATINGS = [
        ("Outstanding", "Outstanding"),
        ("Good", "Good"),
        ("Requires improvement", "Requires improvement"),
        ("Inadequate", "Inadequate"),
    ]
    KEY_QUESTIONS = ("safe", "effective", "caring", "responsive", "well_led")
    location_id = models.CharField("CQC location id", max_length=20)
    provider_id = models.CharField("CQC provider id", max_length=20)
    organization = models.ForeignKey(
        "providers.Organization", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    overall = models.CharField(max_length=30, choices=RATINGS)
    safe = models.CharField(max_length=30, choices=RATINGS, blank=True)
    effective = models.CharField(max_length=30, choices=RATINGS, blank=True)
    caring = models.CharField(max_length=30, choices=RATINGS, blank=True)
    responsive = models.CharField(max_length=30, choices=RATINGS, blank=True)
    well_led = models.CharField(max_length=30, choices=RATINGS, blank=True)
    rated_on = models.DateField()

    class Meta:
        ordering = ["location_id", "-rated_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["location_id", "rated_on"], name="markets_rating_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.location_id} {self.overall} ({self.rated_on})"

    @property
    def poor(self) -> bool:
        return self.overall in ("Requires improvement", "Inadequate")


class MarketFigures(models.Model):
    """A market's figures for one period (what the history and charts show)."""

    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="figures")
    period = models.CharField(max_length=20)
    period_start = models.DateField()
    figures = models.JSONField()

    class Meta:
        ordering = ["market", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["market", "period"], name="markets_figures_once")
        ]

    def __str__(self):
        return f"{self.market_id} {self.period}"


class Alert(models.Model):
    class Kind(models.TextChoices):
        CONCENTRATED = "concentrated", "Highly concentrated (HHI above 2,500)"
        DEPENDENT = "dependent", "One provider has more than half of spend"
        LOSING_PROVIDERS = "losing_providers", "Providers left the market"
        POOR_RATINGS = "poor_ratings", "Share of poor ratings rose"
        RATING_CHANGED = "rating_changed", "A provider's CQC rating changed"
        OVER_CAPACITY = "over_capacity", "Demand exceeds capacity"
        LOW_CAPACITY = "low_capacity", "Capacity below its threshold"

    market = models.ForeignKey(
        Market, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    period = models.CharField(max_length=20, blank=True)
    message = models.TextField()
    data = models.JSONField(default=dict)
    raised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["market", "kind", "period"],
                condition=models.Q(market__isnull=False),
                name="markets_alert_once",
            )
        ]

    def __str__(self):
        return self.message
