"""The platform-wide register of funding calls (public schema): every council sees these calls
beside its own (commissioning.funding). ``CallFields`` is the shape of a call, shared by both."""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models


class CallFields(models.Model):
    """One open call for funding: who funds it, under which programme, how much, when, for whom,
    on which themes and where (GSS codes; none means anywhere in the UK)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="The funder's own reference; an import updates the call with the same one",
    )
    funder = models.CharField(max_length=200)
    programme = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    amount_min = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    amount_max = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    opens_on = models.DateField(null=True, blank=True)
    closes_on = models.DateField(null=True, blank=True, help_text="Empty: rolling programme")
    eligibility = models.TextField(blank=True)
    applicant_types = ArrayField(
        models.CharField(max_length=40),
        default=list,
        blank=True,
        help_text="Who may apply: council, charity, voluntary, community, social-enterprise, ...",
    )
    themes = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    geography = ArrayField(
        models.CharField(max_length=9),
        default=list,
        blank=True,
        help_text="GSS codes of the areas the call covers; empty means the whole UK",
    )
    url = models.URLField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["closes_on", "funder", "programme"]

    def __str__(self):
        return f"{self.funder}: {self.programme}"

    def is_open(self, today) -> bool:
        return (self.opens_on is None or self.opens_on <= today) and (
            self.closes_on is None or self.closes_on >= today
        )


class PlatformCall(CallFields):
    """A call in the platform-wide register, kept by platform staff (console, platform API)."""

    class Meta(CallFields.Meta):
        verbose_name = "platform funding call"
        constraints = [
            models.UniqueConstraint(
                fields=["reference"],
                condition=~models.Q(reference=""),
                name="fundingregister_reference_unique",
            )
        ]
