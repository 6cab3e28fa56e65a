from django.apps import AppConfig


class Config(AppConfig):
    name = "commissioning.funding"
    label = "funding"
    verbose_name = "Funding: calls, matching and 360Giving"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commissioning.funding import provisioning

        provisioning.register()
