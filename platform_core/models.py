"""The kernel's own shared tables (public schema)."""

from django.db import models


class AuditCheckpoint(models.Model):
    """A signed statement of one council's audit-chain head: "entry ``seq`` of schema
    ``schema_name`` had hash ``head_hash`` at ``created_at``". Kept in the public schema (and, where
    S3 is configured, as an object under Object Lock), outside the council's reach, so that
    deleting the newest entries or rewriting the whole chain is found by
    ``platform_core.audit.checkpoints.verify``. Signed with AUDIT_SIGNING_KEY, which is not in
    the database. Written only by ``platform_core.audit.checkpoints.create_checkpoint``."""

    schema_name = models.CharField(max_length=63)
    seq = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    algorithm = models.CharField(max_length=16, default="hmac-sha256")
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=64)
    s3_key = models.CharField(max_length=255, blank=True)
    s3_version_id = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["schema_name", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["schema_name", "seq"], name="platform_core_checkpoint_seq_uniq"
            )
        ]

    def __str__(self):
        return f"{self.schema_name} #{self.seq} {self.head_hash[:12]}"


class JobRun(models.Model):
    """The last successful run of one beat job (its name in ``CELERY_BEAT_SCHEDULE``), written
    when the job's task succeeds. ``platform_core.schedules.catch_up`` runs a job again when its
    schedule has fired since then and it did not run (the tick fell in a broker or beat outage).
    Written only by ``platform_core.schedules``."""

    name = models.CharField(max_length=100, unique=True)
    last_success_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}: {self.last_success_at.isoformat()}"


# Imported here, not at the top: the events app's models module defines its council tables too.
from platform_core.events.models import (  # noqa: E402
    OutboxEventBase,
    ProcessedEventBase,
    WebhookAttemptBase,
    WebhookDeliveryBase,
    WebhookEndpointBase,
)


class PlatformOutboxEvent(OutboxEventBase):
    """A platform event (a council provisioned, suspended, reactivated, scheduled for deletion,
    deleted; a benchmark publication), written in the public schema in the transaction of the
    change, about one council (``council``: its schema name, kept after the council is gone).
    Relayed by the same relay as the councils' outboxes (``platform_core.events.relay`` picks
    this table in the public schema) to internal handlers and to the platform staff's webhook
    endpoints (``PlatformWebhookEndpoint``)."""

    council = models.CharField(max_length=63)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="platform_outbox_due"),
            models.Index(fields=["subject", "id"], name="platform_outbox_subject"),
            models.Index(fields=["council", "id"], name="platform_outbox_council"),
            models.Index(
                fields=["id"], condition=models.Q(status="pending"), name="platform_outbox_pending"
            ),
        ]


class PlatformProcessedEvent(ProcessedEventBase):
    """A handler has processed a platform event (as ``events.ProcessedEvent`` in a council)."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["handler", "event_id"], name="platform_processed_once")
        ]


class PlatformWebhookEndpoint(WebhookEndpointBase):
    """An HTTPS endpoint platform staff subscribed (in the console) to platform event types.
    The columns and the delivery code are the councils' (``events.WebhookEndpoint``); the table
    is in the public schema, where no council's administrators can reach it."""

    scope = "platform"

    class Meta:
        ordering = ["id"]


class PlatformWebhookDelivery(WebhookDeliveryBase):
    """One platform event to one platform endpoint (as ``events.WebhookDelivery``)."""

    endpoint = models.ForeignKey(
        PlatformWebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        PlatformOutboxEvent, on_delete=models.CASCADE, related_name="deliveries"
    )

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="platform_delivery_once")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="platform_delivery_due"),
            models.Index(fields=["endpoint", "subject", "event"], name="platform_delivery_order"),
            models.Index(
                fields=["event", "id"],
                condition=models.Q(status="pending"),
                name="platform_delivery_pending",
            ),
        ]


class PlatformWebhookAttempt(WebhookAttemptBase):
    """One HTTP attempt of a platform delivery (as ``events.WebhookAttempt``)."""

    delivery = models.ForeignKey(
        PlatformWebhookDelivery, on_delete=models.CASCADE, related_name="log"
    )

    class Meta:
        ordering = ["-id"]


class CouncilFeature(models.Model):
    """A council's own setting of one optional feature (``platform_core.features``), made by
    platform staff in the console. No row: the feature follows its default (the council's plan,
    else the platform's). Keyed by the council's schema, like ``AuditCheckpoint`` (the kernel
    knows no council model). Written only by ``platform_core.features.set_state`` (and
    ``restore_council``, from a council's export)."""

    schema_name = models.CharField(max_length=63)
    feature = models.CharField(max_length=40)
    enabled = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["schema_name", "feature"]
        constraints = [
            models.UniqueConstraint(
                fields=["schema_name", "feature"], name="platform_core_feature_uniq"
            )
        ]

    def __str__(self):
        return f"{self.schema_name}: {self.feature} {'on' if self.enabled else 'off'}"
