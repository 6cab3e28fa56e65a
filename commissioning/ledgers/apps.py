from django.apps import AppConfig


class Config(AppConfig):
    name = "commissioning.ledgers"
    label = "ledgers"
    verbose_name = "Commissioners and budget ledgers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commissioning.ledgers import provisioning

        provisioning.register()
