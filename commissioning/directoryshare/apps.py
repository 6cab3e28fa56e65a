from django.apps import AppConfig


class Config(AppConfig):
    name = "commissioning.directoryshare"
    label = "directoryshare"
    verbose_name = "Directory entries shared between councils"
    default_auto_field = "django.db.models.BigAutoField"
