"""The platform-wide library of shared page templates (SHARED app: lives in ``public``)."""

from django.db import models


class SharedTemplate(models.Model):
    """A page one council shared for others to adopt. One row per (source council, source page);
    sharing again with changed content bumps ``version``."""

    source_council = models.ForeignKey(
        "tenants.Council", on_delete=models.CASCADE, related_name="shared_templates"
    )
    source_page_id = models.PositiveIntegerField()
    page_type = models.CharField(max_length=100, help_text="app_label.ModelName of the page.")
    title = models.CharField(max_length=255)
    summary = models.CharField(max_length=300, blank=True)
    content = models.JSONField(
        help_text="The page's content fields, as Wagtail serialises a revision."
    )
    content_hash = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    shared_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_council", "source_page_id"], name="commons_one_template_per_page"
            )
        ]
        ordering = ["title"]

    def __str__(self):
        return f"{self.title} (v{self.version}, {self.source_council.name})"
