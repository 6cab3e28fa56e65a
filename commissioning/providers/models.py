"""The Open Referral UK (HSDS 3.0 UK profile) directory, minimal required fields first.

Ids are UUIDs, as ORUK requires. Taxonomy terms attach to services through ``ServiceTerm``,
which the API publishes as ORUK ``attributes`` (link_type "service").
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel


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
    cqc_provider_id = models.CharField(
        "CQC provider id", max_length=20, blank=True, help_text="e.g. 1-101639892"
    )
    changes_need_approval = models.BooleanField(
        default=True,
        help_text="Changes its provider accounts make wait for staff approval before publishing.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Service(ClusterableModel):
    """A service; its contacts, schedules, cost options, service areas and languages are edited
    with it (inline in the admin)."""

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
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="When the provider or staff last confirmed it is current"
    )
    review_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    terms = models.ManyToManyField(
        TaxonomyTerm, through="ServiceTerm", related_name="services", blank=True
    )

    class Meta:
        ordering = ["name", "id"]
        # ORUK's ``text`` filter is ``UPPER(name) LIKE UPPER('%word%')`` (icontains) on name and
        # description: trigram GIN indexes on those two expressions (providers_service_name_trgm,
        # providers_service_desc_trgm) let PostgreSQL find the candidates without computing
        # UPPER() of every service. Made in SQL by migration 0005 (with pg_trgm): Django 5.2
        # writes GinIndex(OpClass(Upper(...))) as ``((UPPER("name") gin_trgm_ops))``, which
        # PostgreSQL refuses.

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
    contact = models.ForeignKey(
        "Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
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


GSS_CODE = RegexValidator(
    r"^[EKNSW]\d{8}$", "A GSS code is a letter (E, K, N, S or W) and eight digits, e.g. E06000023."
)
GSS_URI = "http://statistics.data.gov.uk/id/statistical-geography/"


class Contact(models.Model):
    """Someone to contact about a service (ORUK contact); their phones are ``Phone.contact``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name or self.title or str(self.id)


class Schedule(models.Model):
    """When a service (or a service at one location) is open: ORUK's iCal-style schedule."""

    FREQS = [("WEEKLY", "Weekly"), ("MONTHLY", "Monthly")]
    ATTENDING = [("in person", "In person"), ("online", "Online"), ("telephone", "Telephone")]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = ParentalKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    freq = models.CharField(max_length=10, choices=FREQS, blank=True)
    byday = models.CharField(
        max_length=40, blank=True, help_text="iCal days, comma-separated, e.g. MO,TU,WE"
    )
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    attending_type = models.CharField(max_length=20, choices=ATTENDING, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service__isnull=False)
                | models.Q(service_at_location__isnull=False),
                name="providers_schedule_has_owner",
            )
        ]

    def clean(self):
        if self.service is None and self.service_at_location is None:
            raise ValidationError("A schedule belongs to a service or a service at a location.")
        days = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
        if self.byday and not set(self.byday.replace(" ", "").split(",")) <= days:
            raise ValidationError({"byday": "Use iCal days separated by commas, e.g. MO,TU."})

    def __str__(self):
        times = (
            f"{self.opens_at:%H:%M}–{self.closes_at:%H:%M}"
            if self.opens_at and self.closes_at
            else ""
        )
        return " ".join(x for x in (self.byday, times, self.description[:40]) if x) or str(self.id)


class CostOption(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    option = models.CharField(max_length=200, blank=True, help_text="e.g. Per session")
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(max_length=200, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["option", "id"]

    def __str__(self):
        return (
            f"{self.option or 'Cost'}: £{self.amount}" if self.amount is not None else self.option
        )


class ServiceArea(models.Model):
    """Where a service is offered, by its GSS code (a local authority district, ward, ...)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=200)
    gss_code = models.CharField(max_length=9, validators=[GSS_CODE], verbose_name="GSS code")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "gss_code"], name="providers_area_once")
        ]

    @property
    def uri(self) -> str:
        return GSS_URI + self.gss_code

    def __str__(self):
        return f"{self.name} ({self.gss_code})"


class Language(models.Model):
    """A language a service is delivered in (ISO 639 code, e.g. ``cy`` Welsh)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = ParentalKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    phone = models.ForeignKey(
        "Phone", null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    name = models.CharField(max_length=100)
    code = models.CharField(
        max_length=3,
        blank=True,
        validators=[
            RegexValidator(r"^[a-z]{2,3}$", "An ISO 639 code: two or three lowercase letters.")
        ],
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service__isnull=False) | models.Q(phone__isnull=False),
                name="providers_language_has_owner",
            )
        ]

    def clean(self):
        if self.service is None and self.phone is None:
            raise ValidationError("A language belongs to a service or a phone.")

    def __str__(self):
        return self.name


class Postcode(models.Model):
    """A postcode's centroid and the GSS codes of the areas it lies in (from the ONS Postcode
    Directory): what the ORUK ``postcode``/``proximity`` filters look up."""

    postcode = models.CharField(max_length=8, primary_key=True, help_text="Upper case, one space")
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    gss_codes = models.CharField(
        max_length=200, blank=True, help_text="GSS codes of its areas, comma-separated"
    )

    class Meta:
        ordering = ["postcode"]

    def save(self, *args, **kwargs):
        self.postcode = self.normalise(self.postcode)
        super().save(*args, **kwargs)

    @staticmethod
    def normalise(value: str) -> str:
        compact = "".join(value.split()).upper()
        return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact

    def __str__(self):
        return self.postcode


class ProviderAccount(models.Model):
    """A provider's person who signs in on the council's domain (``/provider/``) to keep their
    own organisation's directory entries current. They have no Wagtail admin access."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_account"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="accounts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__name", "user__email"]

    def __str__(self):
        return f"{self.user.email} ({self.organization})"


class ServiceChange(models.Model):
    """A provider's edit of a service, waiting for staff approval (when the organisation's
    changes need approval) or recorded as applied."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        APPLIED = "applied", "Applied without approval"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="changes")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField(help_text="The fields the provider changed: {field: new value}")
    previous = models.JSONField(default=dict, help_text="Their values before the change")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return f"{self.service} ({self.get_status_display()})"


class FeedImport(models.Model):
    """One import of another directory's Open Referral UK feed (a file or a URL) and its report:
    what was created, updated and left unchanged, the entries refused and the parts left out,
    each with its JSON path in the feed. An invalid feed imports nothing and leaves no row."""

    source = models.CharField(max_length=500, help_text="The file's name or the feed's URL")
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    counts = models.JSONField(
        default=dict, help_text="{kind: {created, updated, unchanged}} for services and the rest"
    )
    refused = models.JSONField(
        default=list,
        help_text="Entries not imported: [{path, id, name, errors: [{path, message}]}]",
    )
    skipped = models.JSONField(
        default=list, help_text="Parts of imported entries left out: [{path, message}]"
    )

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return f"{self.source} ({self.imported_at:%Y-%m-%d %H:%M})"
