from django.apps import AppConfig


class PlatformCoreConfig(AppConfig):
    name = "platform_core"
    verbose_name = "Platform core"

    def ready(self):
        from . import csvio, observability
        from .api import fields

        observability.configure()
        fields.install_bounds()
        csvio.install_wagtail_export_writer()
