from django.apps import AppConfig


class Config(AppConfig):
    name = "records"
    label = "records"
    verbose_name = "Records"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from records import provisioning
        from records.permissions import grant_default_permissions

        provisioning.register()
        post_migrate.connect(grant_default_permissions, dispatch_uid="records-default-permissions")
