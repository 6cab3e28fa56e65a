from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "platform_core.events"
    label = "events"
    verbose_name = "Events (outbox and relay)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Apps declare their internal handlers in ``<app>/event_handlers.py``.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("event_handlers")

        from platform_core import provisioning

        # Council administrators manage their council's webhook subscriptions (admin, API).
        provisioning.declare_group(
            "Council administrators",
            admin_access=True,
            permissions=[
                f"events.{verb}_webhookendpoint" for verb in ("view", "add", "change", "delete")
            ],
        )
