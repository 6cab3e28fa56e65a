from django.apps import AppConfig


class Config(AppConfig):
    name = "commissioning.participation"
    label = "participation"
    verbose_name = "Participatory budgeting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commissioning.participation import provisioning

        provisioning.register()
        # An optional capability platform staff switch per council (platform_core.features).
        from platform_core import features

        features.register(
            features.Feature(
                key="participation",
                label="Ward budgets (participatory budgeting)",
                description="Residents propose and vote on projects for ward budgets: the "
                "public /participate/ pages, its API and the admin's ward budgets.",
                paths=("/participate/", "/api/v1/participation/", "/admin/participation/"),
                admin_menu=("ward-budgets-pb",),  # MenuItem.name: the slugified label
            )
        )
