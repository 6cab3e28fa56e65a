from django.db import models


class GazetteerEntry(models.Model):
    """One addressable property from the council's local land and property gazetteer (LLPG):
    the places source of truth."""

    uprn = models.CharField(max_length=12, unique=True)
    usrn = models.CharField(max_length=8, blank=True)
    address = models.CharField(max_length=300)
    postcode = models.CharField(max_length=8, blank=True)
    address_key = models.CharField(max_length=300, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["uprn"]
        indexes = [models.Index(fields=["postcode"], name="md_gaz_postcode")]
        verbose_name_plural = "gazetteer entries"

    def __str__(self):
        return f"{self.uprn} {self.address}"


class GoldenPlace(models.Model):
    """One real place. Keyed by UPRN where known (one golden place per UPRN); places without a
    UPRN that match no gazetteer entry are keyed by normalised address and postcode."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="absorbed"
    )
    uprn = models.CharField(max_length=12, null=True, blank=True, unique=True)
    usrn = models.CharField(max_length=8, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    address_key = models.CharField(max_length=300, blank=True)
    in_gazetteer = models.BooleanField(default=False)
    record_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["postcode"], name="md_gplace_postcode"),
            models.Index(fields=["address_key", "postcode"], name="md_gplace_key"),
        ]

    def __str__(self):
        return f"Place {self.pk}"


class PlaceRecord(models.Model):
    """A place as one source system holds it. ``match_method``: how it was linked to its
    golden place (``uprn``, ``fuzzy`` with ``match_score``, ``address`` exact, ``manual``)."""

    source = models.ForeignKey("masterdata.Source", on_delete=models.CASCADE, related_name="places")
    source_ref = models.CharField(
        max_length=100, help_text="The record's id in its source (the CSV's source_id)."
    )
    uprn = models.CharField(max_length=12, blank=True)
    usrn = models.CharField(max_length=8, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    address_key = models.CharField(max_length=300, blank=True)
    golden = models.ForeignKey(
        GoldenPlace, null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )
    match_method = models.CharField(max_length=10, blank=True, db_default="")
    match_score = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_ref"], name="md_place_source_id")
        ]
        indexes = [models.Index(fields=["uprn"], name="md_place_uprn")]

    def __str__(self):
        return f"{self.source.name}:{self.source_ref}"
