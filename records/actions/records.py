"""Records and their versions: declare, add content, change metadata, close, read."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from platform_core.audit.log import append as audit
from platform_core.events import emit

from .. import storage
from ..models import Record, RecordVersion
from ..models.records import storage_name
from ..validation import FileTooLarge, inspect_upload
from .common import FINAL, Refused, actor_name, is_held, refuse
from .retention import compute_disposal_due, refresh_due

log = logging.getLogger(__name__)

RECORD_FIELDS = (
    "title",
    "description",
    "file_class",
    "classification",
    "owner",
    "decision_date",
    "event_date",
)


@dataclass(frozen=True)
class _StoredContent:
    key: str
    name: str
    inspected: Any
    retain_until: datetime | None


def _retain_until(disposal_due) -> datetime | None:
    if not getattr(settings, "RECORDS_OBJECT_LOCK_MODE", None):
        return None
    if disposal_due:
        return datetime.combine(
            disposal_due, datetime.min.time(), tzinfo=timezone.get_current_timezone()
        )
    days = int(getattr(settings, "RECORDS_OBJECT_LOCK_DAYS", 365))
    return timezone.now() + timedelta(days=days)


def _store_content(upload, disposal_due, inspected=None) -> _StoredContent:
    """Check and store the content under a fresh random key. Network I/O: called outside any
    transaction of ours, so a slow or hung store never holds a row lock or the council's audit
    lock (issue 17, item 5). The store is written first and recorded after: content without a
    row (the recording failed, or a timed-out write that landed later) is an orphan that
    ``reconcile_records --fix`` deletes; a row never points at content that was not stored."""
    name = getattr(upload, "name", "") or "upload"
    if inspected is None:  # declare_records has checked it already
        inspected = inspect_upload(upload, name)
    key = storage_name()
    retain_until = _retain_until(disposal_due)
    storage.save_content(
        key, upload, retain_until=retain_until, content_type=inspected.content_type
    )
    return _StoredContent(key, name, inspected, retain_until)


def _discard(stored: _StoredContent) -> None:
    """The recording failed: delete the content just stored (best effort; what is left is an
    orphan for ``reconcile_records --fix``)."""
    try:
        storage.delete_content(stored.key)
    except Exception:  # noqa: BLE001 - the original error is what the caller must see
        log.warning(
            "records: could not delete unrecorded content %s; reconcile sweeps it", stored.key
        )


def _record_version(actor, record: Record, stored: _StoredContent, number: int) -> RecordVersion:
    """The version row, its audit entry and the outbox event, in the caller's (short)
    transaction."""
    inspected = stored.inspected
    version = RecordVersion.objects.create(
        record=record,
        number=number,
        storage_key=stored.key,
        original_name=stored.name[:255],
        sha256=inspected.sha256,
        size=inspected.size,
        content_type=inspected.content_type,
        uploaded_by=actor_name(actor),
        retain_until=stored.retain_until,
    )
    audit(
        "version.created",
        record,
        actor=actor,
        detail={
            "version": number,
            "sha256": inspected.sha256,
            "size": inspected.size,
            "key": stored.key,
            "content_type": inspected.content_type,
        },
    )
    # The extraction is owed durably: an outbox event in this transaction, handled after the
    # commit by records.event_handlers (a broker outage delays it, never loses it). Its subject
    # is the version, not the record: a pending extraction never holds back the record's later
    # events (its destruction).
    emit(
        "records.version.created",
        subject=f"records/record/{record.uid}/versions/{number}",
        data={
            "record": record.pk,
            "uid": str(record.uid),
            "version": number,
            "version_id": version.pk,
            "sha256": inspected.sha256,
            "size": inspected.size,
            "content_type": inspected.content_type,
        },
    )
    return version


def _new_record(actor, metadata) -> Record:
    fields = {k: v for k, v in metadata.items() if k in RECORD_FIELDS and v is not None}
    record = Record(created_by=actor_name(actor), created_at=timezone.now(), **fields)
    record.disposal_due = compute_disposal_due(record)
    return record


def _write_declared(actor, record: Record, related, stored: _StoredContent) -> None:
    """The record's row, its audit entry and its first version, in the caller's transaction."""
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
    # Indexed for search after the commit, from the version's event (the handler extracts the
    # text, then indexes title, description and text).
    _record_version(actor, record, stored, 1)


def declare_record(actor, *, upload, related=(), **metadata) -> Record:
    """Declare a record: its metadata row and its first version, stored immutably. The content
    is stored first, then the rows are written in one short transaction."""
    record = _new_record(actor, metadata)
    stored = _store_content(upload, record.disposal_due)
    try:
        with transaction.atomic():
            _write_declared(actor, record, related, stored)
    except BaseException:
        _discard(stored)
        raise
    return record


def file_title(title: str, name: str) -> str:
    """The title of one of several records declared together: the form's title and the file's
    name, within the title's 300 characters."""
    limit = Record._meta.get_field("title").max_length
    suffix = f" — {name}"
    return f"{title[: max(0, limit - len(suffix))]}{suffix}"[:limit]


def declare_records(actor, *, uploads, related=(), **metadata) -> list[Record]:
    """Declare one record per file, all with the same metadata, all or nothing. With one file
    this is ``declare_record``. With several, each record's title is the given title and its
    file's name (``file_title``). Every file is checked before anything is stored: if any is
    refused, nothing is stored or declared and the error lists every refused file. The contents
    are stored outside any transaction (as ``declare_record`` does), then every record is
    written in one short transaction, each with its own audit entry and event; if that fails,
    the stored contents are deleted."""
    uploads = list(uploads)
    if not uploads:
        raise ValidationError({"file": ["Choose at least one file."]})
    if len(uploads) == 1:
        return [declare_record(actor, upload=uploads[0], related=related, **metadata)]
    refusals, checked = [], []
    for upload in uploads:
        name = getattr(upload, "name", "") or "upload"
        try:
            checked.append((upload, name, inspect_upload(upload, name)))
        except FileTooLarge as error:
            refusals.append(error.message)
        except ValidationError as error:
            refusals.extend(error.messages)
    if refusals:
        count = len(refusals)
        raise ValidationError(
            {
                "file": [
                    f"Nothing was declared: {count} of the {len(uploads)} files "
                    f"{'was' if count == 1 else 'were'} refused.",
                    *refusals,
                ]
            }
        )
    title = metadata.get("title") or ""
    declared, stored = [], []
    try:
        for upload, name, inspected in checked:
            record = _new_record(actor, {**metadata, "title": file_title(title, name)})
            stored.append(_store_content(upload, record.disposal_due, inspected=inspected))
            declared.append(record)
        with transaction.atomic():
            for record, content in zip(declared, stored, strict=True):
                _write_declared(actor, record, related, content)
    except BaseException:
        for content in stored:
            _discard(content)
        raise
    return declared


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
    stored = _store_content(upload, record.disposal_due)
    try:
        with transaction.atomic():
            record = Record.objects.select_for_update().get(pk=record.pk)
            if record.status in FINAL or is_held(record):
                raise Refused(
                    "The record was closed, disposed of or put under a legal hold while its "
                    "new content was being stored; nothing was added."
                )
            last = record.versions.order_by("-number").values_list("number", flat=True).first() or 0
            return _record_version(actor, record, stored, last + 1)
    except BaseException:
        _discard(stored)
        raise


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
        # The search index (PostgreSQL and OpenSearch) is refreshed after the commit, from
        # this event (records.event_handlers): a rolled-back change indexes nothing.
        emit(
            "records.record.updated",
            subject=f"records/record/{record.uid}",
            data={
                "record": record.pk,
                "uid": str(record.uid),
                "changed": sorted(diff),
                "classification": record.classification,
                "file_class": record.file_class.code,
            },
        )
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


def read_content(actor, version: RecordVersion, link_seconds: int | None = None) -> None:
    """Audit what was handed out: ``content.read`` when the content itself is streamed,
    ``content.link_issued`` (with the link's lifetime) when a presigned URL is given instead —
    the read then happens at S3, and may never happen. Called after the content was opened or
    the store was checked, so an outage audits nothing."""
    if version.destroyed_at:
        raise Refused("This version's content was destroyed under the disposal schedule.")
    detail: dict = {"version": version.number, "sha256": version.sha256}
    if link_seconds is not None:
        detail["expires_in"] = link_seconds
    with transaction.atomic():
        audit(
            "content.read" if link_seconds is None else "content.link_issued",
            version.record,
            actor=actor,
            detail=detail,
        )


def check_readable(version: RecordVersion) -> None:
    """Refuse a destroyed version before the store is touched."""
    if version.destroyed_at:
        raise Refused("This version's content was destroyed under the disposal schedule.")


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
