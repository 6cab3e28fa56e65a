import uuid

from django.db import models


class OutboxEvent(models.Model):
    """One CloudEvents 1.0 event, written in the transaction of the change that caused it.
    Delivered by the relay (``platform_core.events.relay``) in ``id`` order per subject."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        DEAD = "dead", "Dead letter"

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=120)
    subject = models.CharField(max_length=200)
    source = models.CharField(max_length=200)
    time = models.DateTimeField()
    data = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="events_outbox_due"),
            models.Index(fields=["subject", "id"], name="events_outbox_subject"),
        ]

    def __str__(self):
        return f"{self.type} {self.subject} ({self.status})"


class ProcessedEvent(models.Model):
    """A handler has processed an event: the relay never runs it again for that event id."""

    handler = models.CharField(max_length=200)
    event_id = models.UUIDField()
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["handler", "event_id"], name="events_processed_once")
        ]

    def __str__(self):
        return f"{self.handler} {self.event_id}"
