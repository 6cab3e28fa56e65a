"""Alert banners: site-wide or on chosen pages, scheduled, dismissible by the visitor."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, MultiFieldPanel


class AlertType(models.TextChoices):
    ANNOUNCEMENT = "announcement", "Announcement"
    MINOR = "minor", "Minor alert"
    MAJOR = "major", "Major alert"
    NOTABLE_DEATH = "notable_death", "Notable death"


class AlertBanner(ClusterableModel):
    title = models.CharField(max_length=150)
    message = models.TextField(blank=True)
    link_url = models.CharField(
        max_length=500,
        blank=True,
        validators=[
            RegexValidator(
                r"^(https?://|/)", "Give a full address or a path on this site starting with /."
            )
        ],
        help_text="A page on this site (/bins/) or a full address.",
    )
    link_text = models.CharField(max_length=80, blank=True)
    alert_type = models.CharField(
        max_length=20, choices=AlertType.choices, default=AlertType.ANNOUNCEMENT
    )
    site_wide = models.BooleanField(default=True)
    pages = ParentalManyToManyField("wagtailcore.Page", blank=True, related_name="+")
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    dismissible = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("message"),
        FieldPanel("link_url"),
        FieldPanel("link_text"),
        FieldPanel("alert_type"),
        FieldPanel("dismissible"),
        MultiFieldPanel([FieldPanel("site_wide"), FieldPanel("pages")], heading="Where it shows"),
        MultiFieldPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading="When it shows"),
    ]

    class Meta:
        verbose_name = "alert banner"
        ordering = ["-updated_at"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The alert must end after it starts."})

    @property
    def dismiss_key(self) -> str:
        """Changes whenever the alert is edited, so an edited alert shows again."""
        return f"{self.pk}-{int(self.updated_at.timestamp())}" if self.updated_at else str(self.pk)

    @classmethod
    def showing(cls, page=None, now=None):
        """Alerts live now on ``page`` (site-wide ones, plus those chosen for it)."""
        now = now or timezone.now()
        alerts = cls.objects.filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=now),
            Q(ends_at__isnull=True) | Q(ends_at__gt=now),
        )
        placement = Q(site_wide=True)
        if page is not None and getattr(page, "pk", None):
            placement |= Q(pages=page.pk)
        return alerts.filter(placement).distinct()
