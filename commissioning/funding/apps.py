from django.apps import AppConfig


class Config(AppConfig):
    name = "commissioning.funding"
    label = "funding"
    verbose_name = "Funding: calls, matching and 360Giving"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commissioning.funding import provisioning

        provisioning.register()
        # An optional capability platform staff switch per council (platform_core.features).
        # The council's 360Giving feed of its own grants stays (open data it publishes).
        from platform_core import features

        features.register(
            features.Feature(
                key="funding",
                label="Funding finder",
                description="Funding calls matched to the council's needs and priorities: the "
                "funding API and the admin's Funding menu.",
                paths=("/api/v1/funding/", "/admin/funding/"),
                admin_menu=("funding",),
            )
        )
