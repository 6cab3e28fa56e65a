from django.core.validators import MinValueValidator
from django.db import models


class RetentionTrigger(models.TextChoices):
    CREATION = "creation", "Creation of the record"
    CLOSURE = "closure", "Closure of the record"
    DECISION_DATE = "decision_date", "Decision date"
    EVENT = "event", "An event"


class DisposalAction(models.TextChoices):
    DESTROY = "destroy", "Destroy"
    REVIEW = "review", "Review"
    TRANSFER = "transfer", "Transfer to archive"
    RETAIN = "retain", "Retain permanently"


class FilePlanClass(models.Model):
    """A class of the file plan. Its disposal schedule (trigger, period, action) is part of the
    class itself, so a class has exactly one schedule (MoReq2010)."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    trigger = models.CharField(max_length=20, choices=RetentionTrigger.choices)
    event_name = models.CharField(
        max_length=200, blank=True, help_text="For the event trigger: the event that starts it."
    )
    period_months = models.PositiveIntegerField(validators=[MinValueValidator(0)])
    action = models.CharField(max_length=20, choices=DisposalAction.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = "file plan class"
        verbose_name_plural = "file plan classes"

    def __str__(self):
        return f"{self.code} {self.title}"
