"""A page adopted from the content commons: where it came from, and which version."""

from django.db import models


class AdoptedPage(models.Model):
    """Council-side record of an adoption. The library entry lives in ``public``
    (``commons.SharedTemplate``); only its id is kept here, never a cross-schema foreign key."""

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="adoption"
    )
    template_id = models.PositiveIntegerField(db_index=True)
    source_council_name = models.CharField(max_length=200)
    adopted_version = models.PositiveIntegerField()
    adopted_at = models.DateTimeField(auto_now_add=True)
    dismissed_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "adopted page"

    def __str__(self):
        return f"{self.page} (from {self.source_council_name}, v{self.adopted_version})"
