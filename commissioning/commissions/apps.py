from django.apps import AppConfig


class Config(AppConfig):
    name = "commissioning.commissions"
    label = "commissions"
    verbose_name = "Commissions, priorities and OCDS"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commissioning.commissions import provisioning

        provisioning.register()
