"""Records' internal event handlers (discovered by platform_core.events at start-up)."""

from platform_core.events import handler


@handler("records.record.destroyed")
def delete_destroyed_content(event: dict) -> None:
    """Delete the stored content of a destroyed record's versions, after the commit that
    destroyed it. Idempotent: a missing object counts as deleted; a store that cannot be reached
    raises, and the relay retries with backoff."""
    from . import storage
    from .models import RecordVersion

    keys = RecordVersion.objects.filter(
        record_id=event["data"]["record"], destroyed_at__isnull=False
    ).values_list("storage_key", flat=True)
    for key in keys:
        storage.delete_content(key)
