"""Bad uploads are refused with a 4xx that names the problem, and nothing is stored."""

import pytest
from django_tenants.utils import schema_context

from records.conftest import s3_storages, upload
from records.models import Record, RecordVersion
from records.tests.files import make_docx_bomb, make_pdf

pytestmark = pytest.mark.django_db


def _post(client, file_class, name, data):
    return client.post(
        "/api/v1/records/records/",
        {"title": "Bad", "file_class": file_class.pk, "file": upload(name, data)},
    )


def _nothing_stored(council):
    with schema_context(council.schema_name):
        assert not Record.objects.exists()
        assert not RecordVersion.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("empty.pdf", b"", "is empty"),
        ("fake.pdf", b"This is plain text pretending to be a PDF", "claims to be application/pdf"),
        (
            "picture.txt",
            b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
            "claims to be text/plain but its content is image/png",
        ),
        ("tool.exe", b"MZ\x90\x00" + b"\0" * 64, "executable"),
        ("tool.pdf", b"MZ\x90\x00" + b"\0" * 64, "executable content"),
        ("script.txt", b"#!/bin/sh\nrm -rf /\n", "executable content"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage\n%%EOF", "not a readable PDF"),
        ("broken.docx", b"PK\x03\x04" + b"\0" * 100, "damaged document"),
        ("bomb.docx", make_docx_bomb(), "decompression bomb"),
        ("archive.rar", b"Rar!\x1a\x07\x00", "unsupported type"),
    ],
)
def test_bad_upload_is_refused_with_a_clear_message(
    records_client_a, file_plan_a, council_a, name, data, expected
):
    response = _post(records_client_a, file_plan_a["minutes"], name, data)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert expected in " ".join(error["fields"]["file"])
    _nothing_stored(council_a)


def test_file_over_the_maximum_size_is_refused_with_413(
    records_client_a, file_plan_a, council_a, settings
):
    settings.RECORDS_MAX_UPLOAD_BYTES = 1000
    response = _post(records_client_a, file_plan_a["minutes"], "big.pdf", make_pdf(pad_to=5000))
    assert response.status_code == 413
    assert "maximum is 1000 bytes" in response.json()["error"]["message"]
    _nothing_stored(council_a)


def test_s3_unreachable_gives_503_and_leaves_no_row(
    records_client_a, file_plan_a, council_a, settings, moto_endpoint
):
    settings.STORAGES = s3_storages("http://127.0.0.1:9")  # nothing listens on the discard port
    response = _post(records_client_a, file_plan_a["minutes"], "minutes.pdf", make_pdf())
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "storage_unavailable"
    assert "cannot be reached" in error["message"]
    _nothing_stored(council_a)


def test_orphaned_content_is_found_by_the_reconciliation_command(
    file_plan_a, council_a, s3, declare
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    record = declare(council_a, file_plan_a["minutes"])
    with schema_context(council_a.schema_name):
        default_storage.save("records/" + "f" * 32, ContentFile(b"orphan"))
        lost = RecordVersion.objects.get(record=record)
        default_storage.delete(lost.storage_key)
    from io import StringIO

    out = StringIO()
    call_command("reconcile_records", "--council", council_a.slug, stdout=out)
    text = out.getvalue()
    assert "records/" + "f" * 32 in text  # content without a row
    assert f"record {record.pk} version 1" in text  # row without its content


def test_the_daily_reconcile_deletes_each_councils_old_orphans_and_audits_them_in_it(
    file_plan_a, council_a, council_b, s3, declare, settings
):
    """Beat's records.reconcile_all: in every council, content no row refers to (older than
    the grace period) is deleted and audited in that council's own log; a live version whose
    content is missing is audited once; rows are never deleted."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from platform_core.audit.models import AuditEntry
    from records.tasks import reconcile_all

    settings.RECORDS_ORPHAN_GRACE_SECONDS = 0
    record = declare(council_a, file_plan_a["minutes"])
    orphans = {}
    for council, letter in ((council_a, "a"), (council_b, "b")):
        with schema_context(council.schema_name):
            orphans[council.slug] = default_storage.save(
                "records/" + letter * 32, ContentFile(b"orphan")
            )
    with schema_context(council_a.schema_name):
        lost = RecordVersion.objects.get(record=record)
        default_storage.delete(lost.storage_key)

    # The bucket outlives each test's rolled-back rows: objects other tests stored may be
    # orphans too and are deleted with these, so the checks are about this test's objects.
    results = reconcile_all()
    for council in (council_a, council_b):
        assert "deleted 0 content" not in results[council.slug], results[council.slug]
        with schema_context(council.schema_name):
            assert not default_storage.exists(orphans[council.slug])
            deleted = AuditEntry.objects.filter(action="records.orphan_content_deleted")
            assert orphans[council.slug] in set(deleted.values_list("object_id", flat=True))
            other = (council_b if council == council_a else council_a).slug
            assert orphans[other] not in set(deleted.values_list("object_id", flat=True))
    with schema_context(council_a.schema_name):
        assert RecordVersion.objects.filter(pk=lost.pk).exists()
        assert AuditEntry.objects.filter(action="version.content_missing").count() == 1
    results = reconcile_all()  # the next day: nothing more to delete, not re-audited
    assert "deleted 0 content" in results[council_a.slug], results[council_a.slug]
    with schema_context(council_a.schema_name):
        assert AuditEntry.objects.filter(action="version.content_missing").count() == 1


def test_the_daily_reconcile_is_scheduled():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["records-reconcile-daily"]["task"] == (
        "records.reconcile_all"
    )
