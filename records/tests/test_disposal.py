"""Retention, disposal batches, certificates, legal holds and transfer packages."""

import hashlib
import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import schema_context

from platform_core.audit.models import AuditEntry
from records import actions
from records.conftest import upload
from records.models import DisposalBatch, Record

pytestmark = pytest.mark.django_db


def _due_today(council, record):
    with schema_context(council.schema_name):
        Record.objects.filter(pk=record.pk).update(disposal_due=timezone.localdate())
        return Record.objects.get(pk=record.pk)


def test_disposal_due_follows_the_class_schedule(council_a, file_plan_a, declare):
    record = declare(council_a, file_plan_a["contracts"])  # closure + 72 months
    assert record.disposal_due is None  # retention starts when the record is closed
    with schema_context(council_a.schema_name):
        record = actions.close_record("tester", record)
    assert record.disposal_due == actions.add_months(timezone.localdate(), 72)
    permanent = declare(council_a, file_plan_a["policy"])
    assert permanent.disposal_due is None
    assert actions.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_daily_run_batches_due_records_once(council_a, file_plan_a, declare):
    due = declare(council_a, file_plan_a["minutes"])  # 0 months from creation: due today
    declare(council_a, file_plan_a["policy"])  # retained permanently
    with schema_context(council_a.schema_name):
        batch = actions.run_disposal_schedule()
        assert [i.record_id for i in batch.items.all()] == [due.pk]
        assert actions.run_disposal_schedule() is None  # idempotent: already in an open batch


def test_approved_destruction_deletes_every_version_keeps_a_stub_and_certifies(
    council_a, file_plan_a, declare, s3, records_client_a, django_capture_on_commit_callbacks
):
    from records.tests.files import make_pdf

    record = declare(council_a, file_plan_a["minutes"])
    with schema_context(council_a.schema_name):
        actions.add_version("tester", record, upload("v2.pdf", make_pdf("second")))
        keys = [f"{council_a.schema_name}/private/{v.storage_key}" for v in record.versions.all()]
    for key in keys:
        s3.head_object(Bucket=s3.bucket, Key=key)
    batch = records_client_a.post("/api/v1/records/disposal-batches/").json()
    item = batch["items"][0]
    decided = records_client_a.post(
        f"/api/v1/records/disposal-batches/{batch['id']}/items/{item['id']}/decide/",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert decided.status_code == 200, decided.content
    # The content is deleted after the commit, by the relay (records.event_handlers).
    with django_capture_on_commit_callbacks(execute=True):
        done = records_client_a.post(f"/api/v1/records/disposal-batches/{batch['id']}/complete/")
    assert done.status_code == 200, done.content
    for key in keys:
        listing = s3.list_object_versions(Bucket=s3.bucket, Prefix=key)
        assert not listing.get("Versions") and not listing.get("DeleteMarkers")
    stub = records_client_a.get(f"/api/v1/records/records/{record.pk}/").json()
    assert stub["status"] == "destroyed" and stub["title"] == record.title
    assert all(v["destroyed_at"] and v["download_url"] is None for v in stub["versions"])
    certificate = records_client_a.get(
        f"/api/v1/records/disposal-batches/{batch['id']}/certificate/"
    ).json()
    body = certificate["certificate"]
    assert body["records"][0]["outcome"] == "destroyed; metadata stub kept"
    assert [v["version"] for v in body["records"][0]["versions_destroyed"]] == [1, 2]
    assert (
        certificate["sha256"]
        == hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    )
    download = records_client_a.get(f"/api/v1/records/records/{record.pk}/versions/1/download/")
    assert download.status_code == 409


def test_held_record_cannot_be_destroyed_and_the_attempt_is_audited(
    council_a, file_plan_a, declare, records_client_a
):
    record = declare(council_a, file_plan_a["minutes"])
    hold = records_client_a.post(
        "/api/v1/records/holds/",
        {
            "name": "Inquiry",
            "reason": "Public inquiry into housing",
            "authority": "Legal services",
            "records": [record.pk],
        },
        content_type="application/json",
    )
    assert hold.status_code == 201, hold.content
    refused = records_client_a.delete(f"/api/v1/records/records/{record.pk}/")
    assert refused.status_code == 409
    assert "legal hold 'Inquiry'" in refused.json()["error"]["message"]
    with schema_context(council_a.schema_name):
        assert actions.run_disposal_schedule() is None  # held records are not batched
        assert AuditEntry.objects.filter(
            action="record.destroy.refused", object_id=str(record.pk)
        ).exists()
        assert Record.objects.get(pk=record.pk).status == Record.Status.OPEN
    overwrite = records_client_a.post(
        f"/api/v1/records/records/{record.pk}/versions/",
        {"file": upload("new.txt", b"new text")},
    )
    assert overwrite.status_code == 409 and "legal hold" in overwrite.json()["error"]["message"]
    released = records_client_a.post(
        f"/api/v1/records/holds/{hold.json()['id']}/release/",
        {"reason": "Inquiry closed"},
        content_type="application/json",
    )
    assert released.status_code == 200 and released.json()["active"] is False
    assert records_client_a.delete(f"/api/v1/records/records/{record.pk}/").status_code == 204


def test_hold_placed_after_batching_blocks_completion(council_a, file_plan_a, declare):
    record = declare(council_a, file_plan_a["minutes"])
    with schema_context(council_a.schema_name):
        batch = actions.run_disposal_schedule()
        actions.decide_item("rm", batch.items.get(), decision="approve")
        actions.place_hold(
            "rm",
            name="FOI",
            reason="FOI request",
            authority="Information governance",
            records=[record],
        )
        with pytest.raises(actions.Refused, match="legal hold"):
            actions.complete_batch("rm", batch)
        assert DisposalBatch.objects.get(pk=batch.pk).status == DisposalBatch.Status.OPEN


def test_not_yet_due_record_cannot_be_destroyed(council_a, file_plan_a, declare, records_client_a):
    record = declare(council_a, file_plan_a["contracts"])
    response = records_client_a.delete(f"/api/v1/records/records/{record.pk}/")
    assert response.status_code == 409
    with schema_context(council_a.schema_name):
        actions.close_record("rm", record)
    response = records_client_a.delete(f"/api/v1/records/records/{record.pk}/")
    assert response.status_code == 409
    assert "not due for disposal until" in response.json()["error"]["message"]
    with schema_context(council_a.schema_name):
        assert AuditEntry.objects.filter(action="record.destroy.refused").count() == 2


def test_extend_and_reclass_decisions_change_the_schedule(council_a, file_plan_a, declare):
    extended = declare(council_a, file_plan_a["minutes"], title="Extend me")
    moved = declare(council_a, file_plan_a["minutes"], title="Move me")
    with schema_context(council_a.schema_name):
        batch = actions.run_disposal_schedule()
        items = {i.record_id: i for i in batch.items.all()}
        actions.decide_item("rm", items[extended.pk], decision="extend", extend_months=12)
        actions.decide_item(
            "rm", items[moved.pk], decision="reclass", new_class=file_plan_a["policy"]
        )
        actions.complete_batch("rm", batch)
        extended.refresh_from_db()
        moved.refresh_from_db()
    assert extended.disposal_due == actions.add_months(timezone.localdate(), 12)
    assert extended.status == Record.Status.OPEN
    assert moved.file_class_id == file_plan_a["policy"].pk and moved.disposal_due is None


def test_transfer_exports_files_metadata_and_checksums(council_a, file_plan_a, declare):
    from records.tests.files import make_pdf

    data = make_pdf("For the archive")
    record = declare(council_a, file_plan_a["contracts"], data=data, title="Contract 17")
    with schema_context(council_a.schema_name):
        actions.close_record("rm", record)
        Record.objects.filter(pk=record.pk).update(
            disposal_due=timezone.localdate() - timedelta(days=1)
        )
        batch = actions.run_disposal_schedule()
        actions.decide_item("rm", batch.items.get(), decision="approve")
        batch = actions.complete_batch("rm", batch)
        with default_storage.open(batch.transfer_package_key, "rb") as f:
            package = zipfile.ZipFile(io.BytesIO(f.read()))
        record.refresh_from_db()
    assert record.status == Record.Status.TRANSFERRED
    names = package.namelist()
    member = f"records/{record.uid}/v1-minutes.pdf"
    assert member in names and "metadata.json" in names
    assert package.read(member) == data
    manifest = package.read("manifest-sha256.txt").decode()
    assert f"{hashlib.sha256(data).hexdigest()}  {member}" in manifest
    metadata = json.loads(package.read("metadata.json"))
    assert metadata["records"][0]["title"] == "Contract 17"


def test_object_lock_writes_versions_with_a_retention_date(
    council_a, file_plan_a, declare, s3, settings
):
    settings.RECORDS_OBJECT_LOCK_MODE = "GOVERNANCE"
    record = declare(council_a, file_plan_a["contracts"])
    with schema_context(council_a.schema_name):
        version = record.versions.get()
    # HeadObject, not GetObjectRetention: moto 5.2.5's server answers 500 to the latter.
    head = s3.head_object(
        Bucket=s3.bucket, Key=f"{council_a.schema_name}/private/{version.storage_key}"
    )
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert head["ObjectLockRetainUntilDate"].date() > timezone.localdate()


def test_run_disposal_command_reports_each_council(
    council_a, council_b, file_plan_a, declare, capsys
):
    declare(council_a, file_plan_a["minutes"])
    call_command("run_disposal")
    out = capsys.readouterr().out
    assert "alphaford: disposal batch" in out and "betaby: nothing due" in out


def test_council_b_cannot_see_or_act_on_council_a_holds_and_batches(
    council_a, file_plan_a, declare, records_client_b
):
    record = declare(council_a, file_plan_a["minutes"])
    with schema_context(council_a.schema_name):
        hold = actions.place_hold("rm", name="H", reason="r", authority="a", records=[record])
        batch = DisposalBatch.objects.create()
    for path, missing in (
        (f"/api/v1/records/holds/{hold.pk}/", "/api/v1/records/holds/987654/"),
        (
            f"/api/v1/records/disposal-batches/{batch.pk}/",
            "/api/v1/records/disposal-batches/987654/",
        ),
    ):
        assert (
            records_client_b.get(path).status_code
            == records_client_b.get(missing).status_code
            == 404
        )
    release = records_client_b.post(
        f"/api/v1/records/holds/{hold.pk}/release/",
        {"reason": "x"},
        content_type="application/json",
    )
    assert release.status_code == 404
    with schema_context(council_a.schema_name):
        hold.refresh_from_db()
        assert hold.active


def test_destroying_a_governance_locked_version_bypasses_the_lock(
    council_a, file_plan_a, declare, s3, settings, django_capture_on_commit_callbacks
):
    settings.RECORDS_OBJECT_LOCK_MODE = "GOVERNANCE"
    record = declare(council_a, file_plan_a["minutes"])
    with schema_context(council_a.schema_name):
        key = f"{council_a.schema_name}/private/{record.versions.get().storage_key}"
        with django_capture_on_commit_callbacks(execute=True):
            actions.destroy_record("rm", record, reason="due")
    listing = s3.list_object_versions(Bucket=s3.bucket, Prefix=key)
    assert not listing.get("Versions")


def test_held_record_cannot_be_reclassed_and_the_refusal_is_kept(
    council_a, file_plan_a, declare, records_client_a
):
    record = declare(council_a, file_plan_a["minutes"])
    with schema_context(council_a.schema_name):
        actions.place_hold("rm", name="H", reason="r", authority="a", records=[record])
    response = records_client_a.patch(
        f"/api/v1/records/records/{record.pk}/",
        {"file_class": file_plan_a["policy"].pk},
        content_type="application/json",
    )
    assert response.status_code == 409
    with schema_context(council_a.schema_name):
        assert Record.objects.get(pk=record.pk).file_class == file_plan_a["minutes"]
        assert AuditEntry.objects.filter(
            action="record.reclass.refused", object_id=str(record.pk)
        ).exists()


def test_daily_beat_task_batches_each_council_in_its_own_schema(
    council_a, council_b, file_plan_a, declare, settings
):
    from records.tasks import daily_disposal

    assert (
        settings.CELERY_BEAT_SCHEDULE["records-daily-disposal"]["task"] == "records.daily_disposal"
    )
    record = declare(council_a, file_plan_a["minutes"])
    result = daily_disposal.apply().get()
    assert result["betaby"] is None and result["alphaford"] is not None
    with schema_context(council_a.schema_name):
        assert DisposalBatch.objects.get(pk=result["alphaford"]).items.get().record_id == record.pk
