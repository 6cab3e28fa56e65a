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


@handler("records.version.created")
def extract_created_version(event: dict) -> None:
    """Extract a new version's text into its record's search index, after the commit that
    stored it. Idempotent (only the record's latest live version is indexed; a destroyed or
    superseded version is skipped)."""
    from .tasks import extract_version_text

    extract_version_text(event["data"]["version_id"])


@handler("records.record.updated")
def reindex_updated_record(event: dict) -> None:
    """Refresh a changed or re-classed record's search index entry (PostgreSQL vector and
    OpenSearch document) from its current row, after the commit. Idempotent; a record destroyed
    since is removed instead."""
    _reindex(event["data"]["record"])


@handler("records.record.destroyed")
def remove_destroyed_from_search(event: dict) -> None:
    """Take a destroyed record out of the search index (its PostgreSQL vector emptied, its
    OpenSearch document deleted), after the commit. Idempotent: a missing document counts as
    deleted; an unreachable OpenSearch raises and the relay retries."""
    _reindex(event["data"]["record"])


def _reindex(record_id: int) -> None:
    from . import search
    from .actions import refresh_search

    refresh_search(record_id)
    search.index_record(record_id)
