"""A council's funding calls (beside the platform-wide register), its officers' saved searches
and the notices sent for them (so nothing is sent twice)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from commissioning.fundingregister.access import CallFields


class CouncilCall(CallFields):
    """A call the council adds for itself (its own grants programmes, a local funder's)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Reminded before the call closes",
    )

    class Meta(CallFields.Meta):
        verbose_name = "funding call"
        constraints = [
            models.UniqueConstraint(
                fields=["reference"],
                condition=~models.Q(reference=""),
                name="funding_call_reference_unique",
            )
        ]


class SavedSearch(models.Model):
    """An officer's search over open calls (platform-wide and the council's own). New matches
    are emailed to the owner; matches about to close are reminded ``remind_days`` before."""

    name = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="funding_searches"
    )
    text = models.CharField(
        max_length=200, blank=True, help_text="Words in funder, programme or description"
    )
    themes = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    areas = ArrayField(
        models.CharField(max_length=9),
        default=list,
        blank=True,
        help_text="GSS codes; a call matches if it covers one of them (or the whole UK)",
    )
    applicant_type = models.CharField(max_length=40, blank=True)
    min_amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Calls offering at least this much",
    )
    alerts = models.BooleanField(default=True, help_text="Email new matches")
    remind_days = models.PositiveSmallIntegerField(
        default=14, help_text="Remind this many days before a matching call closes (0: never)"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "saved searches"

    def __str__(self):
        return self.name


class SearchNotice(models.Model):
    """One email about one call for one saved search: a new match, or a deadline reminder."""

    class Kind(models.TextChoices):
        NEW = "new", "New match"
        DEADLINE = "deadline", "Deadline reminder"
        BASELINE = "baseline", "Matched when the search was saved (not emailed)"

    search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="notices")
    call_id = models.UUIDField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["search", "call_id", "kind"], name="funding_notice_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.call_id} for {self.search_id}"


class Grant(models.Model):
    """A grant the council (or one of its commissioners, or a ward budget) makes, published in
    the council's 360Giving feed at /api/v1/360giving/grants.json."""

    class Source(models.TextChoices):
        DIRECT = "direct", "Council grant"
        WARD_BUDGET = "ward_budget", "Ward budget (participatory budgeting)"
        COMMISSION = "commission", "Commission"

    title = models.CharField(max_length=300)
    description = models.TextField()
    currency = models.CharField(max_length=3, default="GBP")
    amount_awarded = models.DecimalField(max_digits=14, decimal_places=2)
    award_date = models.DateField()
    recipient_name = models.CharField(max_length=300)
    recipient_org_id = models.CharField(
        max_length=100,
        blank=True,
        help_text="An org-id (e.g. GB-CHC-1234567); empty: one is made from the grant",
    )
    recipient_charity_number = models.CharField(max_length=20, blank=True)
    recipient_company_number = models.CharField(max_length=20, blank=True)
    programme = models.CharField(max_length=300, blank=True)
    beneficiary_geo = ArrayField(
        models.CharField(max_length=9), default=list, blank=True, help_text="GSS codes"
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.DIRECT)
    from_open_call = models.BooleanField(default=False)
    reference = models.CharField(
        max_length=100, blank=True, help_text="What the grant came from (a PB project, ...)"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-award_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_awarded__gte=0), name="funding_grant_amount_not_negative"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.recipient_name})"


class GrantsImport(models.Model):
    """One 360Giving file imported to show who funds what in the council's area."""

    filename = models.CharField(max_length=300)
    publisher = models.CharField(max_length=300, blank=True)
    grants = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.filename} ({self.grants} grants)"


class ExternalGrant(models.Model):
    """A grant published by another funder (360Giving), as imported; ``data`` keeps the grant
    exactly as published."""

    batch = models.ForeignKey(GrantsImport, on_delete=models.CASCADE, related_name="rows")
    grant_id = models.CharField(max_length=300, unique=True)
    title = models.CharField(max_length=500)
    funder_id = models.CharField(max_length=200)
    funder_name = models.CharField(max_length=300)
    recipient_name = models.CharField(max_length=300, blank=True)
    amount_awarded = models.DecimalField(max_digits=16, decimal_places=2)
    currency = models.CharField(max_length=3)
    award_date = models.DateField()
    geo_codes = ArrayField(models.CharField(max_length=9), default=list, blank=True)
    data = models.JSONField()

    class Meta:
        ordering = ["-award_date", "grant_id"]

    def __str__(self):
        return self.title
