from django.db import models


class Policy(models.Model):
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    owner = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=1)
    review_date = models.DateField(null=True, blank=True)
    record = models.ForeignKey(
        "records.Record", null=True, blank=True, on_delete=models.PROTECT, related_name="policies"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "policies"

    def __str__(self):
        return f"{self.title} (v{self.version})"


class Decision(models.Model):
    title = models.CharField(max_length=300)
    decision_maker = models.CharField(max_length=200)
    decision_date = models.DateField()
    summary = models.TextField(blank=True)
    reasons = models.TextField()
    alternatives_considered = models.TextField(blank=True)
    consultation = models.TextField(blank=True)
    is_key_decision = models.BooleanField(default=False)
    forward_plan_date = models.DateField(
        null=True, blank=True, help_text="When the key decision was first on the forward plan."
    )
    urgency_reason = models.TextField(blank=True)
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    policy = models.ForeignKey(
        Policy, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    records = models.ManyToManyField("records.Record", blank=True, related_name="decisions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decision_date", "-id"]

    def __str__(self):
        return self.title


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self):
        return self.description[:60]
