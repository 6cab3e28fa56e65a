from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Councils"

    def ready(self):
        from platform_core import provisioning

        from . import deletion, failures  # noqa: F401  (failures connects Celery's signal)

        deletion.install()

        # The first administrator of every council joins this group (tenants.actions).
        provisioning.declare_group(
            "Council administrators",
            admin_access=True,
            permissions=["auth.add_user", "auth.change_user", "auth.delete_user"],
        )
