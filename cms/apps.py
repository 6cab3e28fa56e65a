from django.apps import AppConfig


class Config(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = "Website"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms import admin_base_url, provisioning, signals

        admin_base_url.install()
        provisioning.register()
        signals.connect()
