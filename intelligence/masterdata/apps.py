from django.apps import AppConfig


class Config(AppConfig):
    name = "intelligence.masterdata"
    label = "masterdata"
    verbose_name = "Master data"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from intelligence.masterdata import provisioning

        provisioning.register()
