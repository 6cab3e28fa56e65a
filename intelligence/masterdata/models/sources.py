from django.db import models


class SourceKind(models.TextChoices):
    PEOPLE = "people", "People"
    PLACES = "places", "Places"


class Source(models.Model):
    """A council system that holds people or places (council tax, housing, social care...).
    ``trust_rank``: higher is more trusted; survivorship prefers values from trusted sources."""

    name = models.SlugField(max_length=80, unique=True)
    owner = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=10, choices=SourceKind.choices)
    trust_rank = models.PositiveSmallIntegerField(default=50)
    created_at = models.DateTimeField(auto_now_add=True)
    last_imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.kind})"
