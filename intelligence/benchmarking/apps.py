from django.apps import AppConfig


class Config(AppConfig):
    name = "intelligence.benchmarking"
    label = "benchmarking"
    verbose_name = "Benchmarking pool"
    default_auto_field = "django.db.models.BigAutoField"
