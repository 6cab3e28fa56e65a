"""The cross-council benchmarking pool (public schema): what councils publish, with provenance.

Nothing here points into a council's schema: a council is known by its pool membership
(``PoolMember``, which may name the ``tenants.Council`` that publishes it) and metrics by the
platform's metric catalogue (``PoolMetric``), which platform staff own. Councils publish values
only; they never write a catalogue row.
"""

import hashlib

from django.core.validators import MaxValueValidator
from django.db import models

from intelligence.vocabulary import MetricKind, Polarity, Theme, metric_id_validator
from tenants.models import Council, Region, Tier


class PoolMember(models.Model):
    """A council in the pool. Synthetic members (seed_benchmark) have no platform council."""

    gss_code = models.CharField("GSS code", max_length=9, unique=True)
    name = models.CharField(max_length=200)
    tier = models.CharField(max_length=20, choices=Tier.choices)
    region = models.CharField(max_length=40, choices=Region.choices, blank=True)
    council = models.OneToOneField(
        Council, null=True, blank=True, on_delete=models.SET_NULL, related_name="pool_member"
    )
    synthetic = models.BooleanField(default=False)
    # When this member last published (its own row: publishing writes no shared row).
    last_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.gss_code})"


class PoolMetric(models.Model):
    """A metric of the platform's catalogue. Platform staff define it (console, platform API);
    a council maps one of its warehouse metrics onto it and publishes values. ``is_context``
    metrics (population, deprivation, ...) are platform data used for nearest neighbours: no
    council publishes them."""

    metric_id = models.CharField(max_length=64, unique=True, validators=[metric_id_validator])
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=40, blank=True)
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.NEITHER)
    kind = models.CharField(max_length=12, choices=MetricKind.choices)
    source = models.CharField(max_length=200, blank=True)
    theme = models.CharField(
        max_length=20,
        choices=Theme.choices,
        blank=True,
        help_text="The service area the benchmarks page lists the metric under",
    )
    is_context = models.BooleanField(
        "context metric", default=False, help_text="Platform data used to find nearest neighbours"
    )
    precision = models.PositiveSmallIntegerField(
        default=1,
        validators=[MaxValueValidator(6)],
        help_text="Decimal places figures are shown and exported with",
    )
    lginform_id = models.CharField("LG Inform metric id", max_length=20, blank=True)
    synthetic = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["metric_id"]
        verbose_name = "catalogue metric"

    def __str__(self):
        return self.metric_id


class PoolValue(models.Model):
    """One council's published value of one metric for one period, after disclosure control.
    A suppressed cell has ``suppressed=True`` and no value: it is shown as suppressed."""

    metric = models.ForeignKey(PoolMetric, on_delete=models.CASCADE, related_name="values")
    member = models.ForeignKey(PoolMember, on_delete=models.CASCADE, related_name="values")
    period = models.CharField(max_length=20)
    period_start = models.DateField()
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    suppressed = models.BooleanField(default=False)
    embargo_until = models.DateField(null=True, blank=True)
    # Provenance: who published it, when, from which period of their warehouse.
    published_at = models.DateTimeField()
    source_period = models.CharField(max_length=20)
    source_metric = models.CharField(max_length=64, blank=True)  # the council's own metric id

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "member", "period"], name="benchmarking_value_unique"
            )
        ]
        indexes = [
            models.Index(fields=["metric", "period"], name="benchmarking_value_period"),
            models.Index(fields=["metric", "member", "period_start"], name="benchmarking_series"),
        ]

    def __str__(self):
        return f"{self.metric_id} {self.member_id} {self.period}"


class NearestNeighbour(models.Model):
    """A member's nearest neighbours (CIPFA's method), recomputed whenever context data changes."""

    member = models.ForeignKey(PoolMember, on_delete=models.CASCADE, related_name="neighbours")
    neighbour = models.ForeignKey(PoolMember, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    distance = models.FloatField()

    class Meta:
        ordering = ["member", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["member", "neighbour"], name="benchmarking_nn_unique")
        ]

    def __str__(self):
        return f"{self.member_id} -> {self.neighbour_id} ({self.rank})"


class PeerGroup(models.Model):
    """A custom comparison group a council defines (usable by id in ``group=``)."""

    name = models.CharField(max_length=200)
    owner = models.ForeignKey(PoolMember, on_delete=models.CASCADE, related_name="owned_groups")
    members = models.ManyToManyField(PoolMember, related_name="peer_groups")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ApiKey(models.Model):
    """A key for the public benchmarking API: higher rate limits; a key issued to a council also
    lets that council's staff see its own embargoed values. Only a hash of the key is stored."""

    name = models.CharField(max_length=200)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.CASCADE, related_name="pool_api_keys"
    )
    rate = models.CharField(max_length=20, blank=True)  # e.g. "6000/min"; blank = default
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
