from django.apps import AppConfig


class Config(AppConfig):
    name = "records"
    label = "records"
    verbose_name = "Records"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from records import provisioning

        provisioning.register()
        register_council_figures()


def register_council_figures() -> None:
    """Records and the bytes of their live versions, for the platform console."""
    from platform_core import councilfigures
    from records.models import Record, RecordVersion

    councilfigures.register("records", "records.count", Record, "SELECT count(*) FROM {table}")
    councilfigures.register(
        "storage_bytes",
        "records.versions",
        RecordVersion,
        "SELECT sum(size) FROM {table} WHERE destroyed_at IS NULL",
        kind=councilfigures.BYTES,
    )
