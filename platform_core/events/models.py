import uuid

from django.db import models


class OutboxEventBase(models.Model):
    """The columns of an outbox row: a council's ``OutboxEvent`` (its schema) and the platform's
    ``PlatformOutboxEvent`` (public schema, ``platform_core.models``) share them and the relay."""

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
        abstract = True
        ordering = ["id"]

    def __str__(self):
        return f"{self.type} {self.subject} ({self.status})"


class OutboxEvent(OutboxEventBase):
    """One CloudEvents 1.0 event, written in the transaction of the change that caused it.
    Delivered by the relay (``platform_core.events.relay``) in ``id`` order per subject."""

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="events_outbox_due"),
            models.Index(fields=["subject", "id"], name="events_outbox_subject"),
            # The relay's claim reads pending events in id order: without an index of pending
            # rows alone PostgreSQL walked the primary key past every delivered event (30 ms a
            # claim after 30,000 events, growing with the outbox; docs/benchmarks.md, "Events").
            models.Index(
                fields=["id"], condition=models.Q(status="pending"), name="events_outbox_pending"
            ),
        ]


class ProcessedEventBase(models.Model):
    handler = models.CharField(max_length=200)
    event_id = models.UUIDField()
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.handler} {self.event_id}"


class ProcessedEvent(ProcessedEventBase):
    """A handler has processed an event: the relay never runs it again for that event id."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["handler", "event_id"], name="events_processed_once")
        ]


class WebhookEndpointBase(models.Model):
    """The columns of an HTTPS endpoint subscribed to some event types: a council's
    ``WebhookEndpoint`` (its schema) and the platform's ``PlatformWebhookEndpoint`` (public
    schema, ``platform_core.models``) share them and the delivery code (``webhooks``).
    Deliveries are signed with ``secret`` (and, during a rotation's overlap window,
    ``previous_secret`` too)."""

    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list)
    secret = models.CharField(max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)

    # The catalogue scope ("council" or "platform") of the types this kind of endpoint takes.
    scope = "council"

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self):
        return self.url

    def receives(self, event) -> bool:
        """Whether this endpoint may receive ``event`` at all, its types aside: only events of
        its own scope."""
        from .registry import event_type

        return event_type(event.type).scope == self.scope

    def signing_secrets(self, now=None) -> list[str]:
        """The secrets a delivery is signed with now: the current one, and the previous one
        while its overlap window lasts."""
        from django.utils import timezone

        now = now or timezone.now()
        secrets = [self.secret]
        if (
            self.previous_secret
            and self.previous_secret_expires_at
            and self.previous_secret_expires_at > now
        ):
            secrets.append(self.previous_secret)
        return secrets


class WebhookEndpoint(WebhookEndpointBase):
    """An HTTPS endpoint a council administrator (or a provider account) subscribed to some of
    the council's event types."""

    # Blank: the council's own endpoint (its administrators'). Otherwise the id of the provider
    # organisation (commissioning.providers) whose account subscribed it: it receives only the
    # event types whose catalogue schema has an ``x-audience`` ("providers": every provider;
    # "organization": only events whose ``data.organization`` is this organisation).
    organization = models.CharField(max_length=64, blank=True, default="", db_index=True)

    class Meta:
        ordering = ["id"]

    def receives(self, event) -> bool:
        """Whether this endpoint may receive ``event`` (an OutboxEvent) at all, its types
        aside: council events only, and a provider's endpoint only its own organisation's
        events and those addressed to every provider."""
        if not super().receives(event):
            return False
        if not self.organization:
            return True
        from .registry import event_type

        audience = event_type(event.type).audience
        if audience == "providers":
            return True
        if audience == "organization":
            return str((event.data or {}).get("organization", "")) == self.organization
        return False


class WebhookDeliveryBase(models.Model):
    """One event to one endpoint: retried with backoff until delivered or, after the retry
    window (24 hours), dead-lettered; staff can replay it. Concrete models add ``endpoint``
    and ``event`` (council: ``WebhookDelivery``; platform: ``PlatformWebhookDelivery``)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        DEAD = "dead", "Dead letter"

    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    retry_until = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["-id"]

    def __str__(self):
        return f"{self.event_id} -> {self.endpoint_id} ({self.status})"  # type: ignore[attr-defined]


class WebhookDelivery(WebhookDeliveryBase):
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="events_delivery_once")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="events_delivery_due"),
            models.Index(fields=["endpoint", "subject", "event"], name="events_delivery_order"),
            # The sender's claim, pending deliveries in event order (as events_outbox_pending).
            models.Index(
                fields=["event", "id"],
                condition=models.Q(status="pending"),
                name="events_delivery_pending",
            ),
        ]


class WebhookAttemptBase(models.Model):
    """Every HTTP attempt of a delivery: when, the answer's status (none when no answer came),
    how long it took and what went wrong. Concrete models add ``delivery``."""

    attempted_at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    ok = models.BooleanField(default=False)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        abstract = True
        ordering = ["-id"]

    def __str__(self):
        return f"{self.delivery_id} {self.status_code or self.error}"  # type: ignore[attr-defined]


class WebhookAttempt(WebhookAttemptBase):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")

    class Meta:
        ordering = ["-id"]
