from django.apps import AppConfig


class Config(AppConfig):
    name = "commissioning.providers"
    label = "providers"
    verbose_name = "Providers directory (Open Referral UK)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commissioning.providers import provisioning, sharing

        provisioning.register()
        sharing.connect()
        # An optional capability platform staff switch per council (platform_core.features).
        # The directory itself (Open Referral UK feed, admin Directory) is not optional.
        from platform_core import features

        features.register(
            features.Feature(
                key="provider_portal",
                label="Provider portal",
                description="Provider accounts sign in at /provider/ to keep their services up "
                "to date and bid for opportunities; their webhooks; the admin's provider "
                "accounts and changes from providers.",
                paths=(
                    "/provider/",
                    "/api/v1/provider/",
                    "/admin/directory/accounts/",
                    "/admin/directory/changes/",
                ),
                admin_menu=("provider-accounts", "changes-from-providers"),
            )
        )
