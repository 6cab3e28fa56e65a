"""The list of councils and their domains: the shared (public schema) side of tenancy."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import get_public_schema_name

from platform_core.hosts import council_url

from .validators import validate_council_slug, validate_gss_code, validate_org_id


class Tier(models.TextChoices):
    COUNTY = "county", "County council"
    DISTRICT = "district", "District council"
    UNITARY = "unitary", "Unitary authority"
    METROPOLITAN = "metropolitan", "Metropolitan borough"
    LONDON_BOROUGH = "london-borough", "London borough"
    OTHER = "other", "Other"


class Region(models.TextChoices):
    NORTH_EAST = "north-east", "North East"
    NORTH_WEST = "north-west", "North West"
    YORKSHIRE = "yorkshire-and-the-humber", "Yorkshire and The Humber"
    EAST_MIDLANDS = "east-midlands", "East Midlands"
    WEST_MIDLANDS = "west-midlands", "West Midlands"
    EAST = "east-of-england", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south-east", "South East"
    SOUTH_WEST = "south-west", "South West"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class Council(TenantMixin):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        ARCHIVED = "archived", "Archived"

    class Invitation(models.TextChoices):
        NOT_SENT = "", "Not sent"
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=40, unique=True, validators=[validate_council_slug])
    gss_code = models.CharField(
        "GSS code", max_length=9, unique=True, null=True, validators=[validate_gss_code]
    )  # null only for the platform's own (public) tenant
    org_id = models.CharField(
        "organisation identifier (org-id)",
        max_length=20,
        blank=True,
        validators=[validate_org_id],
        help_text="The council's org-id (org-id.guide) from its nation's local authority "
        "register, e.g. GB-LAE-BIR: the funder's id in its 360Giving feed.",
    )
    tier = models.CharField(max_length=20, choices=Tier.choices)
    region = models.CharField(max_length=40, choices=Region.choices, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(max_length=500, blank=True)
    admin_invitation = models.CharField(
        "administrator's set-password email",
        max_length=10,
        choices=Invitation.choices,
        blank=True,
        help_text="Whether the first administrator's set-password link was emailed.",
    )
    admin_invitation_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deletion_due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a scheduled deletion happens (tenants/lifecycle.py); empty when none is.",
    )

    # Schemas are made by tenants.actions.provision_council (template clone), never on save().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_public(self) -> bool:
        return self.schema_name == get_public_schema_name()

    @property
    def primary_domain(self) -> str | None:
        domain = next((d for d in self.domains.all() if d.is_primary), None)
        return domain.domain if domain else None

    def site_url(self) -> str:
        return council_url(self.primary_domain or "")

    def _check_schema_name_is_unique(self):
        # ``tenants.actions.validate_new_council`` asked the same question in its one query.
        if not getattr(self, "schema_name_checked", False):
            super()._check_schema_name_is_unique()

    @staticmethod
    def schema_name_for(slug: str) -> str:
        return "c_" + slug.replace("-", "_")


class Domain(DomainMixin):
    def __str__(self):
        return self.domain


class CouncilRequest(models.Model):
    """A council asking for a workspace from the platform's sign-up page; approved in the console."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=40, validators=[validate_council_slug])
    gss_code = models.CharField("GSS code", max_length=9, validators=[validate_gss_code])
    tier = models.CharField(max_length=20, choices=Tier.choices)
    region = models.CharField(max_length=40, choices=Region.choices, blank=True)
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    council = models.ForeignKey(Council, null=True, blank=True, on_delete=models.SET_NULL)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(
        max_length=500, blank=True, help_text="Why it was approved or rejected (shown to staff)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"


class PooledSchema(models.Model):
    """A ready copy of the template schema waiting for a council (tenants/pool.py)."""

    schema_name = models.CharField(max_length=63, unique=True)
    state = models.CharField(
        max_length=64, db_index=True, help_text="The template state it was copied from."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.schema_name


class FleetMigration(models.Model):
    """Progress of the fleet migration per schema (tenants/fleet.py): which release (``target``)
    it was last migrated to, and how that went. A rerun skips schemas done for its target."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    schema_name = models.CharField(max_length=63, unique=True)
    target = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    applied = models.PositiveIntegerField(default=0, help_text="Migrations applied by the run.")
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["schema_name"]

    def __str__(self):
        return f"{self.schema_name}: {self.status}"


class CouncilEvent(models.Model):
    """One step in a council's life (provisioned, suspended, exported...), for the console's
    history. Kept after the council is deleted (its slug and name are copied here)."""

    class Kind(models.TextChoices):
        PROVISIONED = "provisioned", "Provisioned"
        SUSPENDED = "suspended", "Suspended"
        REACTIVATED = "reactivated", "Reactivated"
        EXPORTED = "exported", "Exported"
        RESTORED = "restored", "Restored"
        DELETION_SCHEDULED = "deletion-scheduled", "Scheduled for deletion"
        DELETION_CANCELLED = "deletion-cancelled", "Deletion cancelled"
        DELETED = "deleted", "Deleted"
        EXPORT_DOWNLOADED = "export-downloaded", "Export downloaded"
        DETAILS_CHANGED = "details-changed", "Details changed"
        FEATURE_CHANGED = "feature-changed", "Feature switched"

    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    council_slug = models.CharField(max_length=40)
    council_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(
        max_length=254, help_text="Who did it: a platform user's name, or the command or task."
    )
    reason = models.CharField(max_length=500, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["council", "-created_at"])]

    def __str__(self):
        return f"{self.council_slug}: {self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M}"


class CouncilExport(models.Model):
    """One export of a council (tenants/export.py): built by a task, with its progress for the
    console, then the archive in the platform's private storage until ``expires_at``. Kept after
    the council is deleted (slug and name copied), so a deleted council can be restored."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Being built"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired (archive deleted)"

    class Purpose(models.TextChoices):
        MANUAL = "manual", "Asked for"
        DELETION = "deletion", "Before deletion"

    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.SET_NULL, related_name="exports"
    )
    council_slug = models.CharField(max_length=40, db_index=True)
    council_name = models.CharField(max_length=200)
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.MANUAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    step = models.CharField(max_length=200, blank=True, help_text="What it is doing now.")
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    requested_by_name = models.CharField(max_length=254)
    file_name = models.CharField(max_length=500, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    tables = models.PositiveIntegerField(null=True, blank=True)
    rows = models.BigIntegerField(null=True, blank=True)
    files = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Export of {self.council_slug} ({self.get_status_display()})"

    @property
    def download_name(self) -> str:
        return self.file_name.rsplit("/", 1)[-1]


class CouncilRestore(models.Model):
    """One restore of an export's archive as a council, asked for in the console and run by the
    ``tenants.restore_council_export`` task (tenants/restore.py ``run_restore``), with its
    progress for the console. Its status makes the task idempotent: a job that is done or
    failed is left alone when the task is delivered again."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Being restored"
        DONE = "done", "Restored"
        FAILED = "failed", "Failed"

    export = models.ForeignKey(CouncilExport, on_delete=models.CASCADE, related_name="restores")
    slug = models.CharField(max_length=40, db_index=True)
    name = models.CharField(max_length=200, blank=True)
    gss_code = models.CharField(max_length=9, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    step = models.CharField(max_length=200, blank=True, help_text="What it is doing now.")
    errors = models.JSONField(
        default=list, blank=True, help_text="Why it failed: a list of messages."
    )
    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.SET_NULL, related_name="restores"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    requested_by_name = models.CharField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Restore of export #{self.export_id} as {self.slug} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class FailedTask(models.Model):
    """A Celery task that failed (tenants/failures.py records it from Celery's task_failure
    signal), for the console's failed-task view: retried or dismissed there."""

    class Status(models.TextChoices):
        FAILED = "failed", "Failed"
        RETRIED = "retried", "Sent again"
        DISMISSED = "dismissed", "Dismissed"

    task_id = models.CharField(max_length=255, db_index=True)
    task_name = models.CharField(max_length=255, db_index=True)
    schema_name = models.CharField(max_length=63, blank=True, help_text="Empty: the platform's.")
    council_slug = models.CharField(max_length=40, blank=True, db_index=True)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    args_summary = models.CharField(max_length=500, blank=True)
    retryable = models.BooleanField(
        default=True, help_text="False when arguments were withheld as secrets."
    )
    exception = models.CharField(max_length=1000)
    traceback = models.TextField(blank=True)
    retries = models.PositiveIntegerField(default=0)
    failed_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.FAILED, db_index=True
    )
    handled_by = models.CharField(max_length=254, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    retry_task_id = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-failed_at", "-id"]

    def __str__(self):
        return f"{self.task_name} ({self.get_status_display()})"
