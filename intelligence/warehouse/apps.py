from django.apps import AppConfig


class Config(AppConfig):
    name = "intelligence.warehouse"
    label = "warehouse"
    verbose_name = "Data warehouse"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from intelligence.warehouse import provisioning
        from intelligence.warehouse.permissions import grant_default_permissions

        provisioning.register()
        post_migrate.connect(
            grant_default_permissions, dispatch_uid="warehouse-default-permissions"
        )
