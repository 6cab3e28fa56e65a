from django.db import models


class SubjectAccessRequest(models.Model):
    """A subject access request (UK GDPR Art. 15) about one golden person: due one calendar
    month from the request. ``golden_id`` is kept as a number so the request outlives erasure."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed"

    golden_id = models.BigIntegerField()
    requested_at = models.DateTimeField()
    due_date = models.DateField()
    requested_by = models.CharField(max_length=254, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self):
        return f"SAR {self.pk} for person {self.golden_id} (due {self.due_date})"
