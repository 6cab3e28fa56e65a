from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PlatformCoreConfig(AppConfig):
    name = "platform_core"
    verbose_name = "Platform core"

    def ready(self):
        from . import csvio, observability, provisioning
        from .api import fields

        observability.configure()
        fields.install_bounds()
        fields.install_strict_types()
        csvio.install_wagtail_export_writer()
        # Runs after every app's own TEMPLATE steps: creates the groups they declared.
        provisioning.register("platform_core.groups", provisioning.create_default_groups, order=900)
        post_migrate.connect(
            provisioning.grant_declared_permissions, dispatch_uid="declared-group-permissions"
        )
