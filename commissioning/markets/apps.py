from django.apps import AppConfig


class Config(AppConfig):
    name = "commissioning.markets"
    label = "markets"
    verbose_name = "Markets (market shaping)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commissioning.markets import provisioning

        provisioning.register()
        # An optional capability platform staff switch per council (platform_core.features).
        from platform_core import features

        features.register(
            features.Feature(
                key="markets",
                label="Market shaping",
                description="Market position statements, spend, ratings and capacity per "
                "market: the markets API and the admin's Markets dashboard.",
                paths=("/api/v1/markets/", "/admin/markets/"),
                admin_menu=("markets",),
            )
        )
