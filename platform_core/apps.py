from django.apps import AppConfig


class PlatformCoreConfig(AppConfig):
    name = "platform_core"
    verbose_name = "Platform core"

    def ready(self):
        from . import csvio, observability

        observability.configure()
        csvio.install_wagtail_export_writer()
