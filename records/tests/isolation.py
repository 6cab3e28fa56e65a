"""Council A's records objects and how the isolation probe reaches every records route
(see tests/isolation/__init__.py for the convention)."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.isolation.probe import FORM, MARKER, Form, Multipart, Seed


def _upload(name="probe.txt"):
    return SimpleUploadedFile(name, f"{MARKER} content".encode(), content_type="text/plain")


def probe_objects(w) -> None:
    from platform_core.audit.models import AuditEntry
    from records import actions
    from records.models import DisposalBatch, DisposalItem

    w.file_class = actions.create_class(
        "probe", code="PROBE-1", title=MARKER, trigger="creation", period_months=0, action="destroy"
    )

    def declare(title):
        return actions.declare_record(
            "probe", upload=_upload(), title=title, description=MARKER, file_class=w.file_class
        )

    w.record = declare(f"{MARKER} due")  # due for disposal today, not held
    w.held_record = declare(f"{MARKER} held")
    w.batched_record = declare(f"{MARKER} batched")
    w.hold = actions.place_hold(
        "probe", name=MARKER, reason=MARKER, authority=MARKER, records=[w.held_record]
    )
    w.batch = DisposalBatch.objects.create(created_by=MARKER, certificate={"note": MARKER})
    w.batch_item = DisposalItem.objects.create(
        batch=w.batch, record=w.batched_record, action="destroy", note=MARKER
    )
    w.ready_batch = DisposalBatch.objects.create(created_by=MARKER)
    DisposalItem.objects.create(
        batch=w.ready_batch,
        record=w.held_record,
        action="destroy",
        decision="extend",
        extend_months=12,
        note=MARKER,
    )
    w.decision = actions.create_decision(
        "probe", title=MARKER, decision_maker=MARKER, decision_date=date(2026, 1, 1), reasons=MARKER
    )
    actions.publish_decision("probe", w.decision)
    w.draft_decision = actions.create_decision(
        "probe",
        title=f"{MARKER} draft",
        decision_maker=MARKER,
        decision_date=date(2026, 1, 2),
        reasons=MARKER,
    )
    w.policy = actions.create_policy("probe", title=MARKER, owner=MARKER)
    w.action_item = actions.create_action_item(
        "probe", w.decision, description=MARKER, owner=MARKER
    )
    w.audit_entry = AuditEntry.objects.order_by("-seq").first()


def probe_seeds() -> list[Seed]:
    return [
        Seed(
            "records-class-list",
            body={
                "POST": {
                    "code": "PROBE-2",
                    "title": "Probe class",
                    "trigger": "creation",
                    "period_months": 12,
                    "action": "destroy",
                }
            },
        ),
        Seed(
            "records-class-detail",
            kwargs=lambda w: {"pk": w.file_class.pk},
            body={"PATCH": {"title": "Renamed by the probe"}},
        ),
        Seed(
            "records-record-list",
            body={
                "POST": Multipart(
                    lambda w: {
                        "title": "Probe upload",
                        "file_class": w.file_class.pk,
                        "file": _upload(),
                    }
                )
            },
        ),
        Seed(
            "records-record-detail",
            kwargs=lambda w: {"pk": w.record.pk},
            body={"PATCH": {"title": "Renamed by the probe"}, "DELETE": {"reason": "probe"}},
        ),
        Seed("records-record-audit", kwargs=lambda w: {"pk": w.record.pk}),
        Seed("records-record-close", kwargs=lambda w: {"pk": w.record.pk}, body={"POST": {}}),
        Seed(
            "records-record-versions",
            kwargs=lambda w: {"pk": w.record.pk},
            body={"POST": Multipart(lambda w: {"file": _upload("v2.txt")})},
        ),
        Seed(
            "records-record-download",
            kwargs=lambda w: {"pk": w.held_record.pk, "number": 1},  # never destroyed
            missing={"number": 1},
        ),
        Seed(
            "records-hold-list",
            body={
                "POST": lambda w: {
                    "name": "Probe hold",
                    "reason": "probe",
                    "authority": "probe",
                    "records": [w.record.pk],
                }
            },
        ),
        Seed("records-hold-detail", kwargs=lambda w: {"pk": w.hold.pk}),
        Seed(
            "records-hold-release",
            kwargs=lambda w: {"pk": w.hold.pk},
            body={"POST": {"reason": "probe"}},
        ),
        Seed(
            "records-hold-add-records",
            kwargs=lambda w: {"pk": w.hold.pk},
            body={"POST": lambda w: {"records": [w.record.pk]}},
        ),
        Seed("records-disposal-batch-list", body={"POST": {}}),
        Seed("records-disposal-batch-detail", kwargs=lambda w: {"pk": w.batch.pk}),
        Seed("records-disposal-batch-certificate", kwargs=lambda w: {"pk": w.batch.pk}),
        Seed(
            "records-disposal-batch-complete",
            kwargs=lambda w: {"pk": w.ready_batch.pk},
            body={"POST": {}},
        ),
        Seed(
            "records-disposal-batch-decide",
            kwargs=lambda w: {"pk": w.batch.pk, "item_id": w.batch_item.pk},
            body={"POST": {"decision": "approve"}},
        ),
        Seed(
            "records-decision-list",
            body={
                "POST": {
                    "title": "Probe decision",
                    "decision_maker": "Cabinet",
                    "decision_date": "2026-02-01",
                    "reasons": "probe",
                }
            },
        ),
        Seed(
            "records-decision-detail",
            kwargs=lambda w: {"pk": w.decision.pk},
            body={"PATCH": {"title": "Renamed by the probe"}},
        ),
        Seed(
            "records-decision-publish",
            kwargs=lambda w: {"pk": w.draft_decision.pk},
            body={"POST": {}},
        ),
        Seed("records-policy-list", body={"POST": {"title": "Probe policy", "owner": "probe"}}),
        Seed(
            "records-policy-detail",
            kwargs=lambda w: {"pk": w.policy.pk},
            body={"PATCH": {"title": "Renamed by the probe"}},
        ),
        Seed(
            "records-action-item-list",
            body={
                "POST": lambda w: {
                    "decision": w.decision.pk,
                    "description": "probe",
                    "owner": "probe",
                }
            },
        ),
        Seed(
            "records-action-item-detail",
            kwargs=lambda w: {"pk": w.action_item.pk},
            body={"PATCH": {"status": "done"}},
        ),
        Seed("records-audit-detail", kwargs=lambda w: {"seq": w.audit_entry.seq}),
        Seed("records_detail", kwargs=lambda w: {"pk": w.record.pk}),
        # --- the Wagtail admin's records screens (records/admin_viewsets.py, admin_views.py)
        Seed(
            "records_add_version",
            kwargs=lambda w: {"pk": w.record.pk},
            body={"POST": Multipart(lambda w: {"file": _upload("v2-admin.txt")})},
        ),
        Seed("records_close", kwargs=lambda w: {"pk": w.record.pk}, body={"POST": {}}),
        Seed(
            "records_hold_release",
            kwargs=lambda w: {"pk": w.hold.pk},
            body={"POST": {"reason": "Released by the probe"}},
        ),
        Seed(
            "records_record:add",
            body={
                "POST": Multipart(
                    lambda w: {
                        "file": _upload("declared.txt"),
                        "title": "Declared by the probe",
                        "file_class": w.file_class.pk,
                        "classification": "official",
                    }
                )
            },
        ),
        Seed(
            "records_record:edit",
            kwargs=lambda w: {"pk": w.record.pk},
            body={"POST": Form({"title": "Renamed by the probe"})},
        ),
        *[
            Seed(f"records_record:{view}", kwargs=lambda w: {"pk": w.record.pk})
            for view in ("history", "history_results", "usage")
        ],
        Seed(
            "records_fileplan:add",
            body={
                "POST": Form(
                    {
                        "code": "PROBE-ADMIN",
                        "title": "Added by the probe",
                        "trigger": "creation",
                        "period_months": "12",
                        "action": "destroy",
                    }
                )
            },
        ),
        Seed(
            "records_fileplan:edit",
            kwargs=lambda w: {"pk": w.file_class.pk},
            body={"POST": FORM},
        ),
        *[
            Seed(f"records_fileplan:{view}", kwargs=lambda w: {"pk": w.file_class.pk})
            for view in ("history", "history_results", "usage")
        ],
        Seed(
            "records_holds:add",
            body={
                "POST": Form(
                    {"name": "Probe hold", "reason": "probe", "authority": "probe"},
                )
            },
        ),
        Seed(
            "records_holds:edit",
            kwargs=lambda w: {"pk": w.hold.pk},
            body={"POST": Form(lambda w: {"add_records": str(w.record.pk)})},
        ),
        *[
            Seed(f"records_holds:{view}", kwargs=lambda w: {"pk": w.hold.pk})
            for view in ("history", "history_results", "usage")
        ],
        Seed("records_disposal:add", body={"POST": {}}),  # w.record is due and in no batch
        Seed(
            "records_disposal_review",
            kwargs=lambda w: {"pk": w.batch.pk},
            body={"POST": lambda w: {f"item-{w.batch_item.pk}-decision": "approve"}},
        ),
        Seed(
            "records_disposal_complete",
            kwargs=lambda w: {"pk": w.ready_batch.pk},
            body={"POST": {}},
        ),
        Seed("records_disposal_certificate", kwargs=lambda w: {"pk": w.batch.pk}),
        Seed(
            "records_decision_publish",
            kwargs=lambda w: {"pk": w.draft_decision.pk},
            body={"POST": {}},
        ),
        Seed(
            "records_decisions:add",
            body={
                "POST": Form(
                    {
                        "title": "Decided by the probe",
                        "decision_maker": "Cabinet",
                        "decision_date": "2026-02-01",
                        "reasons": "probe",
                    }
                )
            },
        ),
        Seed(
            "records_decisions:edit",
            kwargs=lambda w: {"pk": w.decision.pk},
            body={"POST": Form({"title": "Renamed by the probe"})},
        ),
        Seed(
            "records_policies:add",
            body={"POST": Form({"title": "Probe policy", "owner": "probe"})},
        ),
        Seed(
            "records_policies:edit",
            kwargs=lambda w: {"pk": w.policy.pk},
            body={"POST": Form({"owner": "Revised by the probe"})},
        ),
        Seed(
            "records_actions:add",
            body={
                "POST": Form(
                    lambda w: {
                        "decision": str(w.decision.pk),
                        "description": "probe",
                        "owner": "probe",
                        "status": "open",
                    }
                )
            },
        ),
        Seed(
            "records_actions:edit",
            kwargs=lambda w: {"pk": w.action_item.pk},
            body={"POST": Form({"status": "done"})},
        ),
        *[
            Seed(
                f"records_{viewset}:{view}", kwargs=lambda w, attr=attr: {"pk": getattr(w, attr).pk}
            )
            for viewset, attr in (
                ("decisions", "decision"),
                ("policies", "policy"),
                ("actions", "action_item"),
            )
            for view in ("history", "history_results", "usage")
        ],
    ]
