"""Council A's records objects for the cross-council isolation probe (tests/isolation)."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.isolation.probe import MARKER


def seed(council) -> dict:
    from platform_core.audit.models import AuditEntry
    from records import actions
    from records.models import DisposalBatch, DisposalItem

    file_class = actions.create_class(
        "probe", code="PROBE-1", title=MARKER, trigger="creation", period_months=0, action="destroy"
    )
    record = actions.declare_record(
        "probe",
        upload=SimpleUploadedFile("probe.txt", f"{MARKER} content".encode()),
        title=MARKER,
        description=MARKER,
        file_class=file_class,
    )
    hold = actions.place_hold(
        "probe", name=MARKER, reason=MARKER, authority=MARKER, records=[record]
    )
    batch = DisposalBatch.objects.create(created_by=MARKER, certificate={"note": MARKER})
    item = DisposalItem.objects.create(batch=batch, record=record, action="destroy", note=MARKER)
    decision = actions.create_decision(
        "probe", title=MARKER, decision_maker=MARKER, decision_date=date(2026, 1, 1), reasons=MARKER
    )
    actions.publish_decision("probe", decision)
    policy = actions.create_policy("probe", title=MARKER, owner=MARKER)
    action_item = actions.create_action_item("probe", decision, description=MARKER, owner=MARKER)
    entry = AuditEntry.objects.order_by("-seq").first()
    rec = {"pk": record.pk}
    return {
        "records-class-detail": {"pk": file_class.pk},
        "records-record-detail": rec,
        "records-record-versions": rec,
        "records-record-close": rec,
        "records-record-audit": rec,
        "records-record-download": {"pk": record.pk, "number": 1},
        "records-hold-detail": {"pk": hold.pk},
        "records-hold-release": {"pk": hold.pk},
        "records-hold-add-records": {"pk": hold.pk},
        "records-disposal-batch-detail": {"pk": batch.pk},
        "records-disposal-batch-complete": {"pk": batch.pk},
        "records-disposal-batch-certificate": {"pk": batch.pk},
        "records-disposal-batch-decide": {"pk": batch.pk, "item_id": item.pk},
        "records-decision-detail": {"pk": decision.pk},
        "records-decision-publish": {"pk": decision.pk},
        "records-policy-detail": {"pk": policy.pk},
        "records-action-item-detail": {"pk": action_item.pk},
        "records-audit-detail": {"seq": entry.seq},
        "records_detail": rec,
    }
