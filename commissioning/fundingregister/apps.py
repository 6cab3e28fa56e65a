from django.apps import AppConfig


class Config(AppConfig):
    name = "commissioning.fundingregister"
    label = "fundingregister"
    verbose_name = "Funding register (platform-wide calls)"
    default_auto_field = "django.db.models.BigAutoField"
