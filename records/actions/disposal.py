"""Disposal: destroy when due, batches for review, and the certificate."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from platform_core.audit.log import append as audit
from platform_core.events import emit

from ..models import DisposalAction, DisposalBatch, DisposalItem, LegalHold, Record
from .common import FINAL, Refused, actor_name, refuse
from .retention import add_months, refresh_due
from .transfer import build_transfer_package, discard_transfer_package, record_transfer


def _destroy_content(actor, record: Record, reason: str, batch=None) -> list[dict]:
    destroyed = []
    now = timezone.now()
    for version in record.versions.filter(destroyed_at__isnull=True):
        version.destroyed_at = now
        version.save(update_fields=["destroyed_at"])
        destroyed.append(
            {"version": version.number, "sha256": version.sha256, "size": version.size}
        )
    record.status = Record.Status.DESTROYED
    record.disposed_at = now
    record.extracted_text = ""
    record.save(update_fields=["status", "disposed_at", "extracted_text"])
    # The content is deleted and the record removed from the search index (PostgreSQL and
    # OpenSearch) after the commit (records.event_handlers), never inside the transaction: a
    # rollback here must leave the content in the store and the record in the index. Searches
    # leave destroyed records out meanwhile (records.search).
    emit(
        "records.record.destroyed",
        subject=f"records/record/{record.uid}",
        data={
            "record": record.pk,
            "uid": str(record.uid),
            "reason": reason,
            "batch": batch,
            "versions": destroyed,
        },
    )
    audit(
        "record.destroyed",
        record,
        actor=actor,
        detail={"reason": reason, "batch": batch, "versions": destroyed},
    )
    return destroyed


def check_disposable(actor, record: Record, action: str) -> None:
    if record.status in FINAL:
        refuse(
            actor, action, record, f"The record is already {record.get_status_display().lower()}."
        )
    held = record.holds.filter(released_at__isnull=True).first()
    if held:
        refuse(
            actor,
            action,
            record,
            f"The record is under legal hold '{held.name}' ({held.authority}); it cannot be disposed of until the hold is released.",
        )
    if record.disposal_due is None:
        refuse(
            actor,
            action,
            record,
            "The record's class retains it permanently or its retention has not started; it is not due for disposal.",
        )
    if record.disposal_due > timezone.localdate():
        refuse(
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


def run_disposal_schedule(actor="system:disposal") -> DisposalBatch | None:
    """Put every record now due (and not held, not already in an open batch) in a new batch.
    Idempotent: run twice on a day, the second run finds nothing new."""
    today = timezone.localdate()
    with transaction.atomic():
        due = (
            Record.objects.filter(disposal_due__lte=today)
            .exclude(status__in=FINAL)
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
        batch = DisposalBatch.objects.create(created_by=actor_name(actor))
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
    # The transfer package is built and stored before the transaction (network I/O never holds
    # the council's audit lock); recorded inside it; deleted again if the transaction fails.
    to_transfer = [
        i.record
        for i in items
        if i.decision not in (DisposalItem.Decision.EXTEND, DisposalItem.Decision.RECLASS)
        and i.action == DisposalAction.TRANSFER
    ]
    package = build_transfer_package(to_transfer, batch) if to_transfer else ""
    try:
        with transaction.atomic():
            return _complete_batch(actor, batch, items, package)
    except BaseException:
        if package:
            discard_transfer_package(package)
        raise


def _complete_batch(actor, batch: DisposalBatch, items, package: str) -> DisposalBatch:
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
            refresh_due(record)
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
        record_transfer(actor, transfers, package)
        batch.transfer_package_key = package
    batch.status = DisposalBatch.Status.COMPLETED
    batch.completed_at = timezone.now()
    batch.completed_by = actor_name(actor)
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
