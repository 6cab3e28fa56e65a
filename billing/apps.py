from django.apps import AppConfig


class Config(AppConfig):
    name = "billing"
    label = "billing"
    verbose_name = "Billing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from billing import metrics, provisioning

        provisioning.register()
        metrics.register()
