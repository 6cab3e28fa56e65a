from django.db import models

from .sources import SourceKind


class MatchModel(models.Model):
    """A trained people-matching model: Splink's settings with the m and u probabilities its
    expectation maximisation estimated on this council's records. The newest one scores new
    records incrementally (matching/scoring.py)."""

    settings = models.JSONField()
    record_count = models.PositiveIntegerField(default=0)
    trained_at = models.DateTimeField(auto_now_add=True)
    engine = models.CharField(max_length=10, default="duckdb")

    class Meta:
        ordering = ["-trained_at", "-id"]
        get_latest_by = "trained_at"

    def __str__(self):
        return f"Model {self.pk} ({self.trained_at:%Y-%m-%d %H:%M})"


class ResolutionRun(models.Model):
    kind = models.CharField(max_length=10, choices=SourceKind.choices)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    actor = models.CharField(max_length=254, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.kind} run {self.pk}"


class ReviewPair(models.Model):
    """A possible match between the review thresholds, for a person to decide. People: two
    source records, with each comparison's match weight in ``explanation``. Places: a source
    record and the gazetteer place it resembles, with its score."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CONFIRMED = "confirmed", "Confirmed: the same"
        REJECTED = "rejected", "Rejected: different"

    kind = models.CharField(max_length=10, choices=SourceKind.choices)
    person_a = models.ForeignKey(
        "masterdata.PersonRecord", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person_b = models.ForeignKey(
        "masterdata.PersonRecord", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    place_record = models.ForeignKey(
        "masterdata.PlaceRecord", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    place_candidate = models.ForeignKey(
        "masterdata.GoldenPlace", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    match_weight = models.FloatField()
    match_probability = models.FloatField()
    explanation = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=254, blank=True)

    class Meta:
        ordering = ["-match_weight", "id"]
        indexes = [models.Index(fields=["kind", "status"], name="md_review_open")]
        constraints = [
            models.UniqueConstraint(
                fields=["person_a", "person_b"],
                name="md_review_people_pair",
                condition=models.Q(kind="people"),
            ),
            models.UniqueConstraint(
                fields=["place_record", "place_candidate"],
                name="md_review_place_pair",
                condition=models.Q(kind="places"),
            ),
        ]

    def __str__(self):
        return f"Review {self.pk} ({self.kind}, {self.status})"


class MatchDecision(models.Model):
    """A person's decision about two people records, respected by every later run: ``link``
    keeps them in one golden person, ``no_link`` keeps them apart. ``record_a < record_b``."""

    class Decision(models.TextChoices):
        LINK = "link", "Same person"
        NO_LINK = "no_link", "Different people"

    record_a = models.ForeignKey(
        "masterdata.PersonRecord", on_delete=models.CASCADE, related_name="+"
    )
    record_b = models.ForeignKey(
        "masterdata.PersonRecord", on_delete=models.CASCADE, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    decided_by = models.CharField(max_length=254, blank=True)
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"], name="md_decision_pair")
        ]

    def __str__(self):
        return f"{self.record_a_id}-{self.record_b_id}: {self.decision}"


class Lineage(models.Model):
    """How golden ids changed: ``merged`` (from_id's records went into to_id, from_id retired)
    or ``split`` (to_id was created from records that had been in from_id)."""

    class Event(models.TextChoices):
        MERGED = "merged", "Merged into"
        SPLIT = "split", "Split from"

    kind = models.CharField(max_length=10, choices=SourceKind.choices)
    event = models.CharField(max_length=10, choices=Event.choices)
    from_id = models.BigIntegerField()
    to_id = models.BigIntegerField()
    run = models.ForeignKey(ResolutionRun, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["kind", "from_id"], name="md_lineage_from"),
            models.Index(fields=["kind", "to_id"], name="md_lineage_to"),
        ]

    def __str__(self):
        return f"{self.kind} {self.from_id} {self.event} {self.to_id}"
