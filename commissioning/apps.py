from django.apps import AppConfig


class Config(AppConfig):
    name = "commissioning"
    label = "commissioning"
    verbose_name = "Commissioning"
    default_auto_field = "django.db.models.BigAutoField"
