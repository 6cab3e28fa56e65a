"""Metrics, the areas they are measured for, and observations (one value per metric, area, period)."""

from django.conf import settings
from django.db import models

from intelligence.vocabulary import MetricKind, Polarity, metric_id_validator


class MetricCategory(models.TextChoices):
    PERFORMANCE = "performance", "Performance"
    NEEDS = "needs", "Demographic and needs"
    CONTEXT = "context", "Context (used to find nearest neighbours)"


class AreaKind(models.TextChoices):
    COUNCIL = "council", "Council"
    WARD = "ward", "Ward"
    LSOA = "lsoa", "Lower layer super output area"


# GSS prefixes of the areas a council's warehouse holds below the council itself.
AREA_PREFIXES = {
    "E05": AreaKind.WARD,
    "W05": AreaKind.WARD,
    "S13": AreaKind.WARD,
    "N08": AreaKind.WARD,
    "E01": AreaKind.LSOA,
    "W01": AreaKind.LSOA,
    "S01": AreaKind.LSOA,
}


class Metric(models.Model):
    metric_id = models.CharField(max_length=64, unique=True, validators=[metric_id_validator])
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=40, blank=True)
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.NEITHER)
    kind = models.CharField(max_length=12, choices=MetricKind.choices)
    category = models.CharField(
        max_length=12, choices=MetricCategory.choices, default=MetricCategory.PERFORMANCE
    )
    source = models.CharField(max_length=200, blank=True)
    lginform_id = models.CharField("LG Inform metric id", max_length=20, blank=True)
    # Opt-in to the cross-council benchmarking pool: the platform catalogue metric this one is
    # published as (values only; the catalogue owns title, unit, polarity and kind), and an
    # optional embargo on what is shared.
    shared = models.BooleanField(default=False)
    pool_metric = models.CharField(
        "catalogue metric",
        max_length=64,
        blank=True,
        validators=[metric_id_validator],
        help_text="The benchmarking catalogue metric this metric is published as",
    )
    embargo_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["metric_id"]

    def __str__(self):
        return f"{self.metric_id}: {self.title}"


class Area(models.Model):
    """A named area of the council (the council itself, its wards, its LSOAs)."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=AreaKind.choices)
    parent_code = models.CharField(max_length=9, blank=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Observation(models.Model):
    """One value. Built for bulk loads: codes and periods are ASCII and compared bytewise
    (collation "C"), and the metric reference is kept by the application rather than a
    per-row database trigger (imports lock the metrics they load with FOR KEY SHARE; deleting a
    metric deletes its observations through the ORM)."""

    metric = models.ForeignKey(
        Metric, on_delete=models.CASCADE, related_name="observations", db_constraint=False
    )
    area_code = models.CharField(max_length=9, db_collation="C")
    period = models.CharField(max_length=20, db_collation="C")
    period_kind = models.CharField(max_length=10)
    period_start = models.DateField()
    value = models.FloatField()
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["metric_id", "area_code", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "area_code", "period"], name="warehouse_obs_unique"
            )
        ]

    def __str__(self):
        return f"{self.metric_id} {self.area_code} {self.period} = {self.value}"


class ImportBatch(models.Model):
    """One imported file: who, when, how many rows (the audit trail of imports)."""

    filename = models.CharField(max_length=255, blank=True)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.filename or 'upload'}: {self.rows} rows"
