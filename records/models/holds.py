from django.db import models


class LegalHold(models.Model):
    """While active (not released) no held record may be destroyed, transferred or deleted."""

    name = models.CharField(max_length=200)
    reason = models.TextField()
    authority = models.CharField(max_length=300, help_text="Who or what requires the hold.")
    records = models.ManyToManyField("records.Record", related_name="holds", blank=True)
    placed_by = models.CharField(max_length=254, blank=True)
    placed_at = models.DateTimeField(auto_now_add=True)
    released_by = models.CharField(max_length=254, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at"]

    def __str__(self):
        return self.name

    @property
    def active(self) -> bool:
        return self.released_at is None
