from django.apps import AppConfig


class Config(AppConfig):
    name = "commissioning.participation"
    label = "participation"
    verbose_name = "Participatory budgeting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commissioning.participation import provisioning

        provisioning.register()
