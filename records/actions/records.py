"""Records and their versions: declare, add content, change metadata, close, read."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from platform_core.audit.log import append as audit

from .. import storage
from ..models import Record, RecordVersion
from ..models.records import storage_name
from ..validation import inspect_upload
from .common import FINAL, Refused, actor_name, is_held, refresh_search, refuse
from .retention import compute_disposal_due, refresh_due

RECORD_FIELDS = (
    "title",
    "description",
    "file_class",
    "classification",
    "owner",
    "decision_date",
    "event_date",
)


def _store_version(actor, record: Record, upload, number: int) -> RecordVersion:
    name = getattr(upload, "name", "") or "upload"
    inspected = inspect_upload(upload, name)
    key = storage_name()
    retain_until = None
    if getattr(settings, "RECORDS_OBJECT_LOCK_MODE", None):
        days = int(getattr(settings, "RECORDS_OBJECT_LOCK_DAYS", 365))
        due = record.disposal_due
        retain_until = (
            datetime.combine(due, datetime.min.time(), tzinfo=timezone.get_current_timezone())
            if due
            else timezone.now() + timedelta(days=days)
        )
    version = RecordVersion.objects.create(
        record=record,
        number=number,
        storage_key=key,
        original_name=name[:255],
        sha256=inspected.sha256,
        size=inspected.size,
        content_type=inspected.content_type,
        uploaded_by=actor_name(actor),
        retain_until=retain_until,
    )
    # Upload last, inside the transaction: if the store fails, the rows roll back with it.
    storage.save_content(
        key, upload, retain_until=retain_until, content_type=inspected.content_type
    )
    audit(
        "version.created",
        record,
        actor=actor,
        detail={
            "version": number,
            "sha256": inspected.sha256,
            "size": inspected.size,
            "key": key,
            "content_type": inspected.content_type,
        },
    )
    _enqueue_extraction(version.pk)
    return version


def _enqueue_extraction(version_id: int) -> None:
    from django_tenants.utils import schema_context

    from ..tasks import extract_text

    schema = connection.schema_name  # the callback may run after the caller left the schema

    def enqueue():
        with schema_context(schema):
            extract_text.delay(version_id)

    transaction.on_commit(enqueue)


@transaction.atomic
def declare_record(actor, *, upload, related=(), **metadata) -> Record:
    """Declare a record: its metadata row and its first version, stored immutably."""
    fields = {k: v for k, v in metadata.items() if k in RECORD_FIELDS and v is not None}
    record = Record(created_by=actor_name(actor), created_at=timezone.now(), **fields)
    record.disposal_due = compute_disposal_due(record)
    record.save()
    if related:
        record.related.set(related)
    audit(
        "record.declared",
        record,
        actor=actor,
        detail={
            "title": record.title,
            "class": record.file_class.code,
            "classification": record.classification,
        },
    )
    _store_version(actor, record, upload, 1)
    refresh_search(record.pk)
    return record


def add_version(actor, record: Record, upload) -> RecordVersion:
    if record.status in FINAL:
        refuse(
            actor,
            "version.create",
            record,
            f"The record is {record.get_status_display().lower()}; it takes no new content.",
        )
    if is_held(record):
        refuse(
            actor,
            "version.create",
            record,
            "The record is under a legal hold; its content is frozen until the hold is released.",
        )
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        last = record.versions.order_by("-number").values_list("number", flat=True).first() or 0
        return _store_version(actor, record, upload, last + 1)


def update_record(actor, record: Record, related=None, **changes) -> Record:
    new_class = changes.get("file_class")
    if new_class is not None and new_class != record.file_class and is_held(record):
        refuse(
            actor,
            "record.reclass",
            record,
            "The record is under a legal hold; it cannot be re-classed.",
        )
    with transaction.atomic():
        return _update_record(actor, record, related, **changes)


def _update_record(actor, record: Record, related=None, **changes) -> Record:
    if record.status in FINAL:
        raise Refused(
            f"The record is {record.get_status_display().lower()}; its metadata is a fixed stub."
        )
    diff = {}
    for field, value in changes.items():
        if field not in RECORD_FIELDS:
            continue
        old = getattr(record, field)
        if old != value:
            diff[field] = {
                "from": str(old) if old is not None else None,
                "to": str(value) if value is not None else None,
            }
            setattr(record, field, value)
    if "file_class" in diff and is_held(record):
        refuse(
            actor,
            "record.reclass",
            record,
            "The record is under a legal hold; it cannot be re-classed.",
        )
    record.save()
    if related is not None:
        before = set(record.related.values_list("pk", flat=True))
        record.related.set(related)
        after = {r.pk for r in related}
        if before != after:
            diff["related"] = {"from": sorted(before), "to": sorted(after)}
    refresh_due(record)
    if diff:
        audit("record.changed", record, actor=actor, detail=diff)
    refresh_search(record.pk)
    return record


@transaction.atomic
def close_record(actor, record: Record) -> Record:
    if record.status != Record.Status.OPEN:
        raise Refused(f"The record is {record.get_status_display().lower()}, not open.")
    record.status = Record.Status.CLOSED
    record.closed_at = timezone.now()
    record.save(update_fields=["status", "closed_at"])
    refresh_due(record)
    audit("record.closed", record, actor=actor, detail={"disposal_due": record.disposal_due})
    return record


def read_content(actor, version: RecordVersion) -> None:
    """Audit a read of content (download or presigned URL handed out)."""
    if version.destroyed_at:
        raise Refused("This version's content was destroyed under the disposal schedule.")
    with transaction.atomic():
        audit(
            "content.read",
            version.record,
            actor=actor,
            detail={"version": version.number, "sha256": version.sha256},
        )


def record_metadata(record: Record) -> dict:
    return {
        "uid": str(record.uid),
        "id": record.pk,
        "title": record.title,
        "description": record.description,
        "class": record.file_class.code,
        "classification": record.get_classification_display(),
        "owner": record.owner,
        "created_at": record.created_at.isoformat(),
        "created_by": record.created_by,
        "closed_at": record.closed_at.isoformat() if record.closed_at else None,
        "decision_date": record.decision_date.isoformat() if record.decision_date else None,
        "related": list(record.related.values_list("uid", flat=True).iterator()),
    }
