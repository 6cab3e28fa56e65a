from django.apps import AppConfig


class Config(AppConfig):
    name = "commissioning.markets"
    label = "markets"
    verbose_name = "Markets (market shaping)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commissioning.markets import provisioning

        provisioning.register()
