from django.db import models


class AuditEntry(models.Model):
    """One event. ``seq`` is gap-free per council; ``hash`` covers every other field and the
    previous entry's hash. Rows are written only by ``platform_core.audit.log.append``."""

    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField()
    actor = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class PendingAuditEntry(models.Model):
    """An entry written on its own connection so that it survives the caller's rollback (a
    refused attempt inside a transaction that fails). It joins the chain, in the order written,
    at the next append (or checkpoint); the row is then deleted. Written only by
    ``platform_core.audit.log.append_durable``."""

    created_at = models.DateTimeField()
    actor = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "pending audit entries"

    def __str__(self):
        return f"pending {self.action} {self.object_type}:{self.object_id}"
