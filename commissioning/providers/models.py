"""The Open Referral UK (HSDS 3.0 UK profile) directory, minimal required fields first.

Ids are UUIDs, as ORUK requires. Taxonomy terms attach to services through ``ServiceTerm``,
which the API publishes as ORUK ``attributes`` (link_type "service").
"""

import uuid

from django.db import models


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField()
    uri = models.URLField(blank=True)
    version = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self):
        return self.name


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="terms")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    code = models.CharField(max_length=100, blank=True, help_text="The term's code, e.g. LGSL 513")
    name = models.CharField(max_length=300)
    description = models.TextField()
    term_uri = models.URLField(blank=True)

    class Meta:
        ordering = ["taxonomy__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["taxonomy", "code"],
                condition=~models.Q(code=""),
                name="providers_term_code_unique_in_taxonomy",
            )
        ]

    def __str__(self):
        return f"{self.taxonomy.name}: {self.name}"


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=300)
    description = models.TextField()
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Service(models.Model):
    STATUSES = [
        ("active", "Active"),
        ("inactive", "Inactive"),
        ("defunct", "Defunct"),
        ("temporarily closed", "Temporarily closed"),
    ]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=STATUSES, default="active")
    fees = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    last_modified = models.DateTimeField(auto_now=True)
    terms = models.ManyToManyField(
        TaxonomyTerm, through="ServiceTerm", related_name="services", blank=True
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class ServiceTerm(models.Model):
    """A taxonomy term on a service: an ORUK attribute."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_terms")
    term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "term"], name="providers_service_term_once")
        ]

    def __str__(self):
        return f"{self.service} — {self.term}"


class Location(models.Model):
    TYPES = [("physical", "Physical"), ("postal", "Postal"), ("virtual", "Virtual")]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="locations"
    )
    location_type = models.CharField(max_length=10, choices=TYPES, default="physical")
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name or str(self.id)


class Address(models.Model):
    TYPES = Location.TYPES
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    address_1 = models.CharField(max_length=300)
    city = models.CharField(max_length=100)
    state_province = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=10)
    country = models.CharField(max_length=2, default="GB")
    address_type = models.CharField(max_length=10, choices=TYPES, default="physical")

    class Meta:
        verbose_name_plural = "addresses"

    def __str__(self):
        return f"{self.address_1}, {self.city} {self.postal_code}"


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )

    class Meta:
        ordering = ["service__name", "id"]
        verbose_name = "service at location"
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="providers_sal_once")
        ]

    def __str__(self):
        return f"{self.service} at {self.location}"


class Phone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(max_length=30)
    description = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return self.number
