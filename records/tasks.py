"""Celery tasks of the records app: thin, take ids, idempotent; the schema comes from
tenant-schemas-celery (the task runs in the council that enqueued it)."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="records.extract_text", acks_late=True)
def extract_text(version_id: int) -> int:
    """Extract the version's text again (on demand; new versions are extracted by the
    ``records.version.created`` event's handler)."""
    return extract_version_text(version_id)


def extract_version_text(version_id: int) -> int:
    """Extract the version's text into its record's search index. Only the record's latest
    live version is indexed, so running twice (or out of order) gives the same result."""
    from . import search, storage
    from .actions import refresh_search
    from .extraction import extract
    from .models import Record, RecordVersion

    version = RecordVersion.objects.filter(pk=version_id, destroyed_at__isnull=True).first()
    if version is None:
        return 0
    latest = version.record.versions.filter(destroyed_at__isnull=True).order_by("-number").first()
    if latest is None or latest.pk != version.pk:
        return 0
    try:
        with storage.open_content(version.storage_key) as content:
            text = extract(content, version.content_type)
    except Exception:  # noqa: BLE001 - a document we cannot read is indexed by its metadata
        text = ""
    Record.objects.filter(pk=version.record_id).update(extracted_text=text)
    refresh_search(version.record_id)
    search.index_record(version.record_id)
    return len(text)


@shared_task(name="records.run_disposal_schedule")
def run_disposal_schedule_for_council() -> int | None:
    from .actions import run_disposal_schedule

    batch = run_disposal_schedule()
    return batch.pk if batch else None


@shared_task(name="records.daily_disposal")
def daily_disposal() -> dict:
    """Beat entry: one disposal run per active council, each in its own schema."""
    from tenants.access import each_active_council

    from .actions import run_disposal_schedule

    results = {}
    for council in each_active_council():
        batch = run_disposal_schedule()
        results[council.slug] = batch.pk if batch else None
    results["_at"] = timezone.now().isoformat()
    return results


@shared_task(name="records.reconcile_all")
def reconcile_all() -> dict:
    """Beat entry (daily): ``reconcile_records --fix`` in every active council, each in its own
    schema: content and transfer packages no row refers to, older than
    RECORDS_ORPHAN_GRACE_SECONDS, are deleted and audited; live versions whose content is
    missing are audited once. One council's failure (its storage unreachable) is logged and the
    others go on; the next day's run tries it again."""
    import logging
    from io import StringIO

    from django.core.management import call_command

    from tenants.access import each_active_council

    results = {}
    for council in each_active_council():
        out = StringIO()
        try:
            call_command("reconcile_records", council=council.slug, fix=True, stdout=out)
        except Exception:
            logging.getLogger(__name__).exception("records: reconcile failed for %s", council.slug)
            results[council.slug] = "error"
            continue
        lines = out.getvalue().strip().splitlines()
        results[council.slug] = lines[-1] if lines else ""
    return results
