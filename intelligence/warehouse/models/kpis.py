"""KPIs: a metric with a target per period and a rule for its red/amber/green status."""

from django.db import models

from .metrics import Metric, Polarity


class RagStatus(models.TextChoices):
    GREEN = "green", "On target"
    AMBER = "amber", "Near target"
    RED = "red", "Off target"
    NONE = "none", "No status"


class Kpi(models.Model):
    metric = models.OneToOneField(Metric, on_delete=models.CASCADE, related_name="kpi")
    title = models.CharField(max_length=200, blank=True)  # defaults to the metric's title
    # Amber when the value misses its target by at most this percentage of the target.
    amber_tolerance_percent = models.FloatField(default=5.0)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "metric__metric_id"]
        verbose_name = "KPI"

    def __str__(self):
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title or self.metric.title

    def status(self, value: float | None, target: float | None) -> str:
        """The RAG rule: on or better than target is green; worse by no more than the tolerance
        (as a percentage of the target) is amber; otherwise red. No status without a value, a
        target, or a direction."""
        polarity = self.metric.polarity
        if value is None or target is None or polarity == Polarity.NEITHER:
            return RagStatus.NONE
        shortfall = (target - value) if polarity == Polarity.HIGHER else (value - target)
        if shortfall <= 0:
            return RagStatus.GREEN
        if shortfall <= abs(target) * self.amber_tolerance_percent / 100:
            return RagStatus.AMBER
        return RagStatus.RED


class KpiTarget(models.Model):
    kpi = models.ForeignKey(
        Kpi, on_delete=models.CASCADE, related_name="targets", verbose_name="KPI"
    )
    period = models.CharField(max_length=20)
    target = models.FloatField()

    class Meta:
        ordering = ["kpi", "period"]
        verbose_name = "KPI target"
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period"], name="warehouse_kpi_target_unique")
        ]

    def __str__(self):
        return f"{self.kpi} {self.period}: {self.target}"
