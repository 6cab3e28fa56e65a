from django.apps import AppConfig


class Config(AppConfig):
    name = "billing"
    label = "billing"
    verbose_name = "Billing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from billing import metrics, provisioning

        provisioning.register()
        metrics.register()
        from billing import access
        from tenants.console import panels

        # The console's council page shows this month's usage against the plan.
        panels.register_usage(access.usage_for, links=access.console_links)
        # A council's plan gives the defaults of its optional features.
        from platform_core import features

        features.register_defaults(access.feature_defaults)
