from django.apps import AppConfig


class CommonsConfig(AppConfig):
    name = "cms.commons"
    label = "commons"
    verbose_name = "Content commons"
    default_auto_field = "django.db.models.BigAutoField"
