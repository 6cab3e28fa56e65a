from django.apps import AppConfig


class Config(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = "Website"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from cms import admin_base_url, provisioning, signals
        from cms.permissions import grant_default_permissions

        admin_base_url.install()
        provisioning.register()
        signals.connect()
        post_migrate.connect(grant_default_permissions, dispatch_uid="cms-default-permissions")
