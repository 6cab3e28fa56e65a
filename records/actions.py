"""Every write to the records app: one function per business operation, each with its checks,
its transaction and its audit entry (platform_core.audit)."""

import calendar
import csv
import hashlib
import io
import json
import tempfile
import zipfile
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError

from platform_core.audit.log import append as audit

from . import storage
from .models import (
    ActionItem,
    Decision,
    DisposalAction,
    DisposalBatch,
    DisposalItem,
    FilePlanClass,
    LegalHold,
    Policy,
    Record,
    RecordVersion,
    RetentionTrigger,
)
from .models.records import storage_name
from .validation import inspect_upload


class Refused(APIException):
    """An operation the rules forbid (held, not yet due, destroyed): 409 with the reason."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "refused"


def _refuse(actor, action: str, obj, reason: str):
    """Audit the refused attempt (committed even though the request fails), then refuse."""
    with transaction.atomic():
        audit(f"{action}.refused", obj, actor=actor, detail={"reason": reason})
    raise Refused(reason)


# --- File plan -------------------------------------------------------------------------------
CLASS_FIELDS = (
    "parent",
    "code",
    "title",
    "description",
    "trigger",
    "event_name",
    "period_months",
    "action",
)


def _check_class(data: dict) -> None:
    if data.get("trigger") == RetentionTrigger.EVENT and not data.get("event_name"):
        raise ValidationError({"event_name": ["An event trigger needs the name of the event."]})


@transaction.atomic
def create_class(actor, **data) -> FilePlanClass:
    _check_class(data)
    file_class = FilePlanClass.objects.create(
        **{k: v for k, v in data.items() if k in CLASS_FIELDS}
    )
    audit("class.created", file_class, actor=actor, detail=_class_detail(file_class))
    return file_class


@transaction.atomic
def update_class(actor, file_class: FilePlanClass, **changes) -> FilePlanClass:
    merged = {f: getattr(file_class, f) for f in CLASS_FIELDS} | changes
    _check_class(merged)
    parent = changes.get("parent")
    node = parent
    while node is not None:
        if node.pk == file_class.pk:
            raise ValidationError({"parent": ["A class cannot be placed under itself."]})
        node = node.parent
    before = _class_detail(file_class)
    for field, value in changes.items():
        if field in CLASS_FIELDS:
            setattr(file_class, field, value)
    file_class.save()
    schedule_changed = any(f in changes for f in ("trigger", "period_months", "action"))
    if schedule_changed:
        for record in file_class.records.exclude(status__in=_FINAL):
            _refresh_due(record)
    audit(
        "class.changed",
        file_class,
        actor=actor,
        detail={"before": before, "after": _class_detail(file_class)},
    )
    return file_class


def _class_detail(c: FilePlanClass) -> dict:
    return {
        "code": c.code,
        "title": c.title,
        "parent": c.parent_id,
        "trigger": c.trigger,
        "period_months": c.period_months,
        "action": c.action,
    }


# --- Retention arithmetic ----------------------------------------------------------------------
def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def compute_disposal_due(record: Record) -> date | None:
    file_class = record.file_class
    if file_class.action == DisposalAction.RETAIN:
        return None
    start = {
        RetentionTrigger.CREATION: timezone.localdate(record.created_at)
        if record.created_at
        else timezone.localdate(),
        RetentionTrigger.CLOSURE: timezone.localdate(record.closed_at)
        if record.closed_at
        else None,
        RetentionTrigger.DECISION_DATE: record.decision_date,
        RetentionTrigger.EVENT: record.event_date,
    }[file_class.trigger]
    return add_months(start, file_class.period_months) if start else None


_FINAL = (Record.Status.DESTROYED, Record.Status.TRANSFERRED)


def _refresh_due(record: Record) -> None:
    due = compute_disposal_due(record)
    if due != record.disposal_due:
        record.disposal_due = due
        record.save(update_fields=["disposal_due"])


def _refresh_search(record_id: int) -> None:
    Record.objects.filter(pk=record_id).update(
        search_vector=SearchVector("title", weight="A", config="english")
        + SearchVector("description", weight="B", config="english")
        + SearchVector("extracted_text", weight="C", config="english")
    )


def is_held(record: Record) -> bool:
    return record.holds.filter(released_at__isnull=True).exists()


# --- Records and versions ------------------------------------------------------------------------
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
        uploaded_by=_name(actor),
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

    from .tasks import extract_text

    schema = connection.schema_name  # the callback may run after the caller left the schema

    def enqueue():
        with schema_context(schema):
            extract_text.delay(version_id)

    transaction.on_commit(enqueue)


def _name(actor) -> str:
    if actor is None:
        return ""
    return actor if isinstance(actor, str) else actor.get_username()


@transaction.atomic
def declare_record(actor, *, upload, related=(), **metadata) -> Record:
    """Declare a record: its metadata row and its first version, stored immutably."""
    fields = {k: v for k, v in metadata.items() if k in RECORD_FIELDS and v is not None}
    record = Record(created_by=_name(actor), created_at=timezone.now(), **fields)
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
    _refresh_search(record.pk)
    return record


def add_version(actor, record: Record, upload) -> RecordVersion:
    if record.status in _FINAL:
        _refuse(
            actor,
            "version.create",
            record,
            f"The record is {record.get_status_display().lower()}; it takes no new content.",
        )
    if is_held(record):
        _refuse(
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
        _refuse(
            actor,
            "record.reclass",
            record,
            "The record is under a legal hold; it cannot be re-classed.",
        )
    with transaction.atomic():
        return _update_record(actor, record, related, **changes)


def _update_record(actor, record: Record, related=None, **changes) -> Record:
    if record.status in _FINAL:
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
        _refuse(
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
    _refresh_due(record)
    if diff:
        audit("record.changed", record, actor=actor, detail=diff)
    _refresh_search(record.pk)
    return record


@transaction.atomic
def close_record(actor, record: Record) -> Record:
    if record.status != Record.Status.OPEN:
        raise Refused(f"The record is {record.get_status_display().lower()}, not open.")
    record.status = Record.Status.CLOSED
    record.closed_at = timezone.now()
    record.save(update_fields=["status", "closed_at"])
    _refresh_due(record)
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


def _destroy_content(actor, record: Record, reason: str, batch=None) -> list[dict]:
    destroyed = []
    now = timezone.now()
    for version in record.versions.filter(destroyed_at__isnull=True):
        storage.delete_content(version.storage_key)
        version.destroyed_at = now
        version.save(update_fields=["destroyed_at"])
        destroyed.append(
            {"version": version.number, "sha256": version.sha256, "size": version.size}
        )
    record.status = Record.Status.DESTROYED
    record.disposed_at = now
    record.extracted_text = ""
    record.save(update_fields=["status", "disposed_at", "extracted_text"])
    _refresh_search(record.pk)
    audit(
        "record.destroyed",
        record,
        actor=actor,
        detail={"reason": reason, "batch": batch, "versions": destroyed},
    )
    return destroyed


def check_disposable(actor, record: Record, action: str) -> None:
    if record.status in _FINAL:
        _refuse(
            actor, action, record, f"The record is already {record.get_status_display().lower()}."
        )
    held = record.holds.filter(released_at__isnull=True).first()
    if held:
        _refuse(
            actor,
            action,
            record,
            f"The record is under legal hold '{held.name}' ({held.authority}); it cannot be disposed of until the hold is released.",
        )
    if record.disposal_due is None:
        _refuse(
            actor,
            action,
            record,
            "The record's class retains it permanently or its retention has not started; it is not due for disposal.",
        )
    if record.disposal_due > timezone.localdate():
        _refuse(
            actor,
            action,
            record,
            f"The record is not due for disposal until {record.disposal_due.isoformat()}.",
        )


def destroy_record(actor, record: Record, reason: str = "") -> Record:
    """Destroy a record's content now (outside a batch): only when due and not held."""
    check_disposable(actor, record, "record.destroy")
    with transaction.atomic():
        _destroy_content(actor, record, reason or "destroyed on request when due")
    return record


# --- Legal holds -------------------------------------------------------------------------------------
@transaction.atomic
def place_hold(actor, *, name: str, reason: str, authority: str, records=()) -> LegalHold:
    if not reason.strip() or not authority.strip():
        raise ValidationError({"reason": ["A legal hold needs a reason and an authority."]})
    hold = LegalHold.objects.create(
        name=name, reason=reason, authority=authority, placed_by=_name(actor)
    )
    hold.records.set(records)
    audit(
        "hold.placed",
        hold,
        actor=actor,
        detail={
            "name": name,
            "reason": reason,
            "authority": authority,
            "records": [r.pk for r in records],
        },
    )
    for record in records:
        audit("record.held", record, actor=actor, detail={"hold": hold.pk})
    return hold


@transaction.atomic
def add_to_hold(actor, hold: LegalHold, records) -> LegalHold:
    if not hold.active:
        raise Refused("The hold has been released.")
    hold.records.add(*records)
    for record in records:
        audit("record.held", record, actor=actor, detail={"hold": hold.pk})
    return hold


@transaction.atomic
def release_hold(actor, hold: LegalHold, reason: str) -> LegalHold:
    if not hold.active:
        raise Refused("The hold has already been released.")
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the hold is released."]})
    hold.released_at = timezone.now()
    hold.released_by = _name(actor)
    hold.release_reason = reason
    hold.save(update_fields=["released_at", "released_by", "release_reason"])
    audit("hold.released", hold, actor=actor, detail={"reason": reason})
    for record in hold.records.all():
        audit("record.hold_released", record, actor=actor, detail={"hold": hold.pk})
    return hold


# --- Disposal --------------------------------------------------------------------------------------
def run_disposal_schedule(actor="system:disposal") -> DisposalBatch | None:
    """Put every record now due (and not held, not already in an open batch) in a new batch.
    Idempotent: run twice on a day, the second run finds nothing new."""
    today = timezone.localdate()
    with transaction.atomic():
        due = (
            Record.objects.filter(disposal_due__lte=today)
            .exclude(status__in=_FINAL)
            .exclude(
                pk__in=LegalHold.records.through.objects.filter(
                    legalhold__released_at__isnull=True
                ).values("record_id")
            )
            .exclude(
                pk__in=DisposalItem.objects.filter(batch__status=DisposalBatch.Status.OPEN).values(
                    "record_id"
                )
            )
            .select_related("file_class")
            .distinct()
        )
        due = [r for r in due if r.file_class.action != DisposalAction.RETAIN]
        if not due:
            return None
        batch = DisposalBatch.objects.create(created_by=_name(actor))
        DisposalItem.objects.bulk_create(
            [DisposalItem(batch=batch, record=r, action=r.file_class.action) for r in due]
        )
        audit("disposal.batch_created", batch, actor=actor, detail={"records": [r.pk for r in due]})
    return batch


@transaction.atomic
def decide_item(
    actor, item: DisposalItem, *, decision: str, extend_months=None, new_class=None, note: str = ""
) -> DisposalItem:
    if item.batch.status != DisposalBatch.Status.OPEN:
        raise Refused("The batch is completed; its decisions are final.")
    if decision == DisposalItem.Decision.EXTEND and not extend_months:
        raise ValidationError({"extend_months": ["Say by how many months to extend retention."]})
    if decision == DisposalItem.Decision.RECLASS and new_class is None:
        raise ValidationError({"new_class": ["Choose the class to move the record to."]})
    item.decision = decision
    item.extend_months = extend_months if decision == DisposalItem.Decision.EXTEND else None
    item.new_class = new_class if decision == DisposalItem.Decision.RECLASS else None
    item.note = note
    item.save()
    audit(
        "disposal.decided",
        item.record,
        actor=actor,
        detail={
            "batch": item.batch_id,
            "decision": decision,
            "extend_months": item.extend_months,
            "new_class": new_class.code if new_class else None,
            "note": note,
        },
    )
    return item


def complete_batch(actor, batch: DisposalBatch) -> DisposalBatch:
    """Carry out every decision of the batch and issue the disposal certificate."""
    if batch.status != DisposalBatch.Status.OPEN:
        raise Refused("The batch is already completed.")
    items = list(batch.items.select_related("record", "record__file_class", "new_class"))
    pending = [i.record_id for i in items if i.decision == DisposalItem.Decision.PENDING]
    if pending:
        raise ValidationError({"items": [f"Decide every record first; pending: {pending}."]})
    for item in items:
        if item.decision == DisposalItem.Decision.APPROVE and item.action in (
            DisposalAction.DESTROY,
            DisposalAction.TRANSFER,
        ):
            check_disposable(actor, item.record, f"disposal.{item.action}")
    with transaction.atomic():
        entries, transfers = [], []
        for item in items:
            record = item.record
            entry = {
                "record": str(record.uid),
                "id": record.pk,
                "title": record.title,
                "class": record.file_class.code,
                "scheduled_action": item.action,
                "decision": item.decision,
            }
            if item.decision == DisposalItem.Decision.EXTEND:
                record.disposal_due = add_months(
                    max(record.disposal_due or timezone.localdate(), timezone.localdate()),
                    item.extend_months,
                )
                record.save(update_fields=["disposal_due"])
                item.outcome = f"retention extended to {record.disposal_due.isoformat()}"
                audit(
                    "record.retention_extended",
                    record,
                    actor=actor,
                    detail={"batch": batch.pk, "disposal_due": record.disposal_due},
                )
            elif item.decision == DisposalItem.Decision.RECLASS:
                old = record.file_class.code
                record.file_class = item.new_class
                record.save(update_fields=["file_class"])
                _refresh_due(record)
                item.outcome = f"re-classed {old} → {item.new_class.code}"
                audit(
                    "record.changed",
                    record,
                    actor=actor,
                    detail={
                        "file_class": {"from": old, "to": item.new_class.code},
                        "batch": batch.pk,
                    },
                )
            elif item.action == DisposalAction.DESTROY:
                entry["versions_destroyed"] = _destroy_content(
                    actor, record, "disposal schedule", batch=batch.pk
                )
                item.outcome = "destroyed; metadata stub kept"
            elif item.action == DisposalAction.TRANSFER:
                transfers.append(record)
                item.outcome = "transferred to archive"
            elif item.action == DisposalAction.REVIEW:
                record.disposal_due = add_months(
                    timezone.localdate(), record.file_class.period_months or 12
                )
                record.save(update_fields=["disposal_due"])
                item.outcome = f"reviewed; next review {record.disposal_due.isoformat()}"
                audit(
                    "record.reviewed",
                    record,
                    actor=actor,
                    detail={"batch": batch.pk, "next_review": record.disposal_due},
                )
            item.save(update_fields=["outcome"])
            entry["outcome"] = item.outcome
            entries.append(entry)
        if transfers:
            batch.transfer_package_key = export_transfer_package(actor, transfers, batch)
        batch.status = DisposalBatch.Status.COMPLETED
        batch.completed_at = timezone.now()
        batch.completed_by = _name(actor)
        certificate = {
            "certificate": f"{connection.schema_name}/disposal/{batch.pk}",
            "council": getattr(connection.tenant, "name", connection.schema_name),
            "batch": batch.pk,
            "completed_at": batch.completed_at.isoformat(),
            "approved_by": batch.completed_by,
            "transfer_package": batch.transfer_package_key or None,
            "records": entries,
        }
        batch.certificate = certificate
        batch.certificate_sha256 = hashlib.sha256(
            json.dumps(certificate, sort_keys=True).encode()
        ).hexdigest()
        batch.save()
        audit(
            "disposal.certified",
            batch,
            actor=actor,
            detail={"certificate_sha256": batch.certificate_sha256, "records": len(entries)},
        )
    return batch


def export_transfer_package(actor, records, batch=None) -> str:
    """A ZIP with each record's files, metadata.json and a SHA-256 manifest; records marked
    transferred. Built in a spooled temporary file, never whole in memory."""
    name = f"transfers/{storage_name().split('/')[-1]}.zip"
    metadata, manifest = [], []
    with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as package:
            for record in records:
                versions = []
                for version in record.versions.filter(destroyed_at__isnull=True):
                    arcname = f"records/{record.uid}/v{version.number}-{version.original_name}"
                    with (
                        storage.open_content(version.storage_key) as src,
                        package.open(arcname, "w") as dst,
                    ):
                        while chunk := src.read(1024 * 1024):
                            dst.write(chunk)
                    manifest.append(f"{version.sha256}  {arcname}")
                    versions.append(
                        {
                            "number": version.number,
                            "file": arcname,
                            "sha256": version.sha256,
                            "size": version.size,
                            "content_type": version.content_type,
                            "uploaded_at": version.uploaded_at.isoformat(),
                            "uploaded_by": version.uploaded_by,
                        }
                    )
                metadata.append(record_metadata(record) | {"versions": versions})
            meta_bytes = json.dumps(
                {"records": metadata, "batch": getattr(batch, "pk", None)}, indent=2, default=str
            ).encode()
            package.writestr("metadata.json", meta_bytes)
            manifest.append(f"{hashlib.sha256(meta_bytes).hexdigest()}  metadata.json")
            package.writestr("manifest-sha256.txt", "\n".join(manifest) + "\n")
        spool.size = spool.tell()
        storage.save_content(name, spool, content_type="application/zip")
    with transaction.atomic():
        for record in records:
            record.status = Record.Status.TRANSFERRED
            record.disposed_at = timezone.now()
            record.save(update_fields=["status", "disposed_at"])
            audit("record.transferred", record, actor=actor, detail={"package": name})
        audit(
            "records.exported",
            None,
            actor=actor,
            object_type="records.transfer",
            object_id=name,
            detail={"records": [r.pk for r in records]},
        )
    return name


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


# --- Decisions register --------------------------------------------------------------------------------
DECISION_FIELDS = (
    "title",
    "decision_maker",
    "decision_date",
    "summary",
    "reasons",
    "alternatives_considered",
    "consultation",
    "is_key_decision",
    "forward_plan_date",
    "urgency_reason",
    "policy",
)
KEY_DECISION_NOTICE_DAYS = 28


def clear_days(first: date, last: date) -> int:
    """Whole days between two dates, excluding both (the local-government 'clear days')."""
    return (last - first).days - 1


def _check_decision(data: dict) -> None:
    if not data.get("is_key_decision"):
        return
    notice = data.get("forward_plan_date")
    if data.get("urgency_reason", "").strip():
        return
    if notice is None:
        raise ValidationError(
            {
                "forward_plan_date": [
                    "A key decision needs the date it went on the forward plan, or a recorded urgency reason."
                ]
            }
        )
    days = clear_days(notice, data["decision_date"])
    if days < KEY_DECISION_NOTICE_DAYS:
        raise ValidationError(
            {
                "forward_plan_date": [
                    f"A key decision must be on the forward plan at least {KEY_DECISION_NOTICE_DAYS} clear days before the decision date; this one had {max(days, 0)}. Give an urgency reason or move the date."
                ]
            }
        )


@transaction.atomic
def create_decision(actor, *, records=(), **data) -> Decision:
    data = {k: v for k, v in data.items() if k in DECISION_FIELDS}
    _check_decision(data)
    decision = Decision.objects.create(**data)
    decision.records.set(records)
    audit(
        "decision.created",
        decision,
        actor=actor,
        detail={
            "title": decision.title,
            "key": decision.is_key_decision,
            "records": [r.pk for r in records],
        },
    )
    return decision


@transaction.atomic
def update_decision(actor, decision: Decision, *, records=None, **changes) -> Decision:
    merged = {f: getattr(decision, f) for f in DECISION_FIELDS} | {
        k: v for k, v in changes.items() if k in DECISION_FIELDS
    }
    _check_decision(merged)
    diff = {}
    for field in DECISION_FIELDS:
        if field in changes and getattr(decision, field) != changes[field]:
            diff[field] = {"from": str(getattr(decision, field)), "to": str(changes[field])}
            setattr(decision, field, changes[field])
    decision.save()
    if records is not None:
        decision.records.set(records)
        diff["records"] = [r.pk for r in records]
    audit("decision.changed", decision, actor=actor, detail=diff)
    return decision


@transaction.atomic
def publish_decision(actor, decision: Decision, published: bool = True) -> Decision:
    decision.published = published
    decision.published_at = timezone.now() if published else None
    decision.save(update_fields=["published", "published_at"])
    audit("decision.published" if published else "decision.unpublished", decision, actor=actor)
    return decision


@transaction.atomic
def create_policy(actor, **data) -> Policy:
    policy = Policy.objects.create(
        **{
            k: v
            for k, v in data.items()
            if k in ("title", "summary", "owner", "review_date", "record")
        }
    )
    audit(
        "policy.created",
        policy,
        actor=actor,
        detail={"title": policy.title, "version": policy.version},
    )
    return policy


@transaction.atomic
def revise_policy(actor, policy: Policy, **changes) -> Policy:
    """A new version of the policy (its version number goes up; the audit keeps the history)."""
    before = {
        "title": policy.title,
        "summary": policy.summary,
        "owner": policy.owner,
        "review_date": policy.review_date,
        "record": policy.record_id,
    }
    for field in ("title", "summary", "owner", "review_date", "record"):
        if field in changes:
            setattr(policy, field, changes[field])
    policy.version += 1
    policy.save()
    audit(
        "policy.revised", policy, actor=actor, detail={"version": policy.version, "before": before}
    )
    return policy


@transaction.atomic
def create_action_item(actor, decision: Decision, **data) -> ActionItem:
    item = ActionItem.objects.create(
        decision=decision,
        **{k: v for k, v in data.items() if k in ("description", "owner", "due_date", "status")},
    )
    audit(
        "action.created", item, actor=actor, detail={"decision": decision.pk, "owner": item.owner}
    )
    return item


@transaction.atomic
def update_action_item(actor, item: ActionItem, **changes) -> ActionItem:
    diff = {}
    for field in ("description", "owner", "due_date", "status"):
        if field in changes and getattr(item, field) != changes[field]:
            diff[field] = {"from": str(getattr(item, field)), "to": str(changes[field])}
            setattr(item, field, changes[field])
    item.save()
    audit("action.changed", item, actor=actor, detail=diff)
    return item


def decisions_csv(decisions) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "id",
            "title",
            "decision_maker",
            "decision_date",
            "key_decision",
            "summary",
            "reasons",
            "alternatives_considered",
            "consultation",
            "urgency_reason",
        ]
    )
    for d in decisions:
        writer.writerow(
            [
                d.pk,
                d.title,
                d.decision_maker,
                d.decision_date.isoformat(),
                "yes" if d.is_key_decision else "no",
                d.summary,
                d.reasons,
                d.alternatives_considered,
                d.consultation,
                d.urgency_reason,
            ]
        )
    return out.getvalue()
