from django.apps import AppConfig


class Config(AppConfig):
    name = "commissioning.providers"
    label = "providers"
    verbose_name = "Providers directory (Open Referral UK)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commissioning.providers import provisioning, sharing

        provisioning.register()
        sharing.connect()
