from django.apps import AppConfig


class Config(AppConfig):
    name = "records"
    label = "records"
    verbose_name = "Records"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from records import provisioning

        provisioning.register()
