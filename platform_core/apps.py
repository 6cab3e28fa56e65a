from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PlatformCoreConfig(AppConfig):
    name = "platform_core"
    verbose_name = "Platform core"

    def ready(self):
        from . import csvio, observability, provisioning
        from .api import fields

        observability.configure()
        from celery.signals import task_success

        from . import schedules

        # Beat jobs' last-success markers (platform_core/schedules.py), in every process.
        task_success.connect(schedules.on_task_success, dispatch_uid="schedules-last-success")
        fields.install_bounds()
        fields.install_strict_types()
        csvio.install_wagtail_export_writer()
        # Runs after every app's own TEMPLATE steps: creates the groups they declared.
        provisioning.register("platform_core.groups", provisioning.create_default_groups, order=900)
        post_migrate.connect(
            provisioning.grant_declared_permissions, dispatch_uid="declared-group-permissions"
        )
        register_council_figures()
        from . import subject_access

        # What the kernel holds about a person (accounts, their audit entries): see
        # platform_core/subject_access.py; the other apps register their own.
        subject_access.register("accounts", "Accounts", subject_access.accounts, order=10)


def register_council_figures() -> None:
    """The kernel's own console figures: staff users, and sign-ins and audit entries as activity."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from . import councilfigures

    User = get_user_model()
    councilfigures.register(
        "staff_users",
        "auth.staff",
        User,
        "SELECT count(*) FROM {table} WHERE is_staff AND is_active",
    )
    councilfigures.register(
        "last_activity",
        "auth.last_login",
        User,
        "SELECT max(last_login) FROM {table}",
        kind=councilfigures.TIME,
    )
    councilfigures.register(
        "last_activity",
        "audit.latest",
        apps.get_model("audit", "AuditEntry"),
        "SELECT created_at FROM {table} ORDER BY seq DESC LIMIT 1",
        kind=councilfigures.TIME,
    )
