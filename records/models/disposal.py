from django.db import models


class DisposalBatch(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Under review"
        COMPLETED = "completed", "Completed"

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=254, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.CharField(max_length=254, blank=True)
    certificate = models.JSONField(null=True, blank=True)
    certificate_sha256 = models.CharField(max_length=64, blank=True)
    transfer_package_key = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "disposal batches"

    def __str__(self):
        return f"Disposal batch {self.pk}"


class DisposalItem(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVE = "approve", "Approve the scheduled action"
        EXTEND = "extend", "Extend retention"
        RECLASS = "reclass", "Re-class"

    batch = models.ForeignKey(DisposalBatch, on_delete=models.CASCADE, related_name="items")
    record = models.ForeignKey("records.Record", on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20)  # the class's disposal action when batched
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    extend_months = models.PositiveIntegerField(null=True, blank=True)
    new_class = models.ForeignKey(
        "records.FilePlanClass", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "record"], name="records_disposal_item_uniq")
        ]

    def __str__(self):
        return f"{self.record_id} in batch {self.batch_id}"
