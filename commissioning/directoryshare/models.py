"""Directory entries a council shares with neighbouring councils (SHARED app: public schema).

A council (the owner) shares a service, or all of an organisation's services, with named
councils and/or every council in a region (``DirectoryShare``). What the neighbours read is a
denormalised copy of each shared service as the owner's ORUK API publishes it
(``SharedService``), refreshed from the owner's schema after every commit that changes its
directory or its shares (``commissioning/providers/sharing.py``). Neighbours read only these
public rows: nothing reads another council's schema at request time, and the owner's schema is
the only place the entry can be changed.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from tenants.models import Council


class DirectoryShare(models.Model):
    class Kind(models.TextChoices):
        SERVICE = "service", "Service"
        ORGANIZATION = "organization", "Organisation (all its services)"

    owner = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="directory_shares")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    entry_id = models.UUIDField(
        help_text="The service's or organisation's id in the owner's directory"
    )
    entry_name = models.CharField(max_length=300)
    councils = models.ManyToManyField(Council, blank=True, related_name="directory_shares_received")
    regions = ArrayField(
        models.CharField(max_length=40), default=list, blank=True, help_text="Region codes"
    )
    created_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["entry_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind", "entry_id"], name="directoryshare_entry_once"
            )
        ]

    def __str__(self):
        return f"{self.entry_name} ({self.get_kind_display()})"


class SharedService(models.Model):
    """The public copy of one shared service, with who may read it and what the ORUK filters
    need (text, terms, service areas' GSS codes, locations' coordinates)."""

    owner = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="shared_services")
    service_id = models.UUIDField()
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20)
    organization_name = models.CharField(max_length=300)
    term_ids = ArrayField(models.UUIDField(), default=list, blank=True)
    taxonomy_ids = ArrayField(models.UUIDField(), default=list, blank=True)
    gss_codes = ArrayField(models.CharField(max_length=9), default=list, blank=True)
    points = models.JSONField(default=list, help_text="[[latitude, longitude], ...]")
    summary = models.JSONField(help_text="As the owner's /openreferral/services lists it")
    detail = models.JSONField(help_text="As the owner's /openreferral/services/{id} answers")
    councils = models.ManyToManyField(Council, blank=True, related_name="+")
    regions = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "service_id"], name="directoryshare_service_once"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.owner.name})"
