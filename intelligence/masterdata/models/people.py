from django.db import models


class GoldenPerson(models.Model):
    """One real person: a cluster of source records. The id is stable across re-runs; a
    golden person absorbed by another is kept as ``retired`` with ``merged_into`` set.
    Attributes are the survivors of the linked records (see matching/golden.py)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="absorbed"
    )
    first_name = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    address = models.CharField(max_length=300, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    record_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["surname", "first_name"]),
            models.Index(fields=["postcode"]),
            models.Index(fields=["date_of_birth"]),
        ]

    def __str__(self):
        return f"Person {self.pk}"


class PersonRecord(models.Model):
    """A person as one source system holds them. The raw fields are as imported (a field that
    failed validation is blank); the ``*_key`` fields are the normalised forms matching uses."""

    source = models.ForeignKey("masterdata.Source", on_delete=models.CASCADE, related_name="people")
    source_ref = models.CharField(
        max_length=100, help_text="The record's id in its source (the CSV's source_id)."
    )
    first_name = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    address = models.CharField(max_length=300, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    # Normalised keys (intelligence/masterdata/normalise.py)
    first_key = models.CharField(max_length=100, blank=True)
    first_canon = models.CharField(max_length=100, blank=True)
    surname_key = models.CharField(max_length=100, blank=True)
    dob_swapped = models.DateField(null=True, blank=True)
    sector = models.CharField(max_length=6, blank=True)
    district = models.CharField(max_length=4, blank=True)
    golden = models.ForeignKey(
        GoldenPerson, null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )
    match_probability = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_ref"], name="md_person_source_id")
        ]
        indexes = [
            models.Index(fields=["surname_key", "date_of_birth"], name="md_person_sur_dob"),
            models.Index(fields=["first_canon", "date_of_birth"], name="md_person_first_dob"),
            models.Index(fields=["first_canon", "surname_key"], name="md_person_first_sur"),
            models.Index(fields=["date_of_birth", "postcode"], name="md_person_dob_pc"),
            models.Index(fields=["surname_key", "postcode"], name="md_person_sur_pc"),
            # (first name, postcode), and (postcode, initials) for incremental placement.
            models.Index(fields=["postcode", "first_canon"], name="md_person_pc_first"),
            models.Index(fields=["email"], name="md_person_email"),
            models.Index(fields=["phone"], name="md_person_phone"),
        ]

    def __str__(self):
        return f"{self.source.name}:{self.source_ref}"
