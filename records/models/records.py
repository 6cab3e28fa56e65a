import uuid

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class Classification(models.TextChoices):
    OFFICIAL = "official", "OFFICIAL"
    OFFICIAL_SENSITIVE = "official_sensitive", "OFFICIAL-SENSITIVE"


class Record(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        DESTROYED = "destroyed", "Destroyed (metadata stub)"
        TRANSFERRED = "transferred", "Transferred to archive"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    file_class = models.ForeignKey(
        "records.FilePlanClass", on_delete=models.PROTECT, related_name="records"
    )
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.OFFICIAL
    )
    owner = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=254, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    event_date = models.DateField(null=True, blank=True)
    disposal_due = models.DateField(null=True, blank=True, db_index=True)
    disposed_at = models.DateTimeField(null=True, blank=True)
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    extracted_text = models.TextField(blank=True)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-id"]
        indexes = [GinIndex(fields=["search_vector"], name="records_search_gin")]
        permissions = [("view_sensitive_record", "Can see OFFICIAL-SENSITIVE records")]

    def __str__(self):
        return self.title


class RecordVersion(models.Model):
    """Immutable content of a record. Only ``destroyed_at`` changes, when disposal deletes the
    content and keeps this row as the stub."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    storage_key = models.CharField(max_length=300, unique=True)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    uploaded_by = models.CharField(max_length=254, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    retain_until = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["record", "number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="records_version_number_uniq")
        ]

    def __str__(self):
        return f"{self.record_id} v{self.number}"


def storage_name(uid: uuid.UUID | None = None) -> str:
    """Stored name of a version's content; the tenant storage prefixes the council's schema."""
    return f"records/{(uid or uuid.uuid4()).hex}"
