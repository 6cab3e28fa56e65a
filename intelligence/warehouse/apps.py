from django.apps import AppConfig


class Config(AppConfig):
    name = "intelligence.warehouse"
    label = "warehouse"
    verbose_name = "Data warehouse"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from intelligence.warehouse import provisioning

        provisioning.register()
