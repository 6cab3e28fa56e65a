"""A frozen S3 (moto's server under SIGSTOP) during a record upload (issue 17, item 5): the
upload fails within its deliberate timeout with a clear 503 and nothing recorded; it never holds
the council's audit lock, so the council's other audited actions go on meanwhile; and whatever
the hung write left in the bucket is swept, audited, by ``reconcile_records --fix``."""

import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from records.conftest import upload
from records.tests.files import make_pdf

from .conftest import wait_until


def _in_thread(fn):
    """Run ``fn`` on a thread of its own (its own database connection); returns a dict that
    gets ``result`` or ``error`` and ``seconds``."""
    outcome: dict = {}

    def run():
        started = time.monotonic()
        try:
            outcome["result"] = fn()
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            outcome["error"] = exc
        finally:
            outcome["seconds"] = time.monotonic() - started
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    outcome["thread"] = thread
    return outcome


def test_frozen_s3_blocks_no_other_audited_action_and_leaves_no_orphan(
    committed, moto_process, django_db_blocker
):
    from django_tenants.utils import schema_context

    from platform_core.audit.models import AuditEntry
    from records import actions, storage
    from records.models import Record, RecordVersion
    from records.storage import StorageUnavailable

    council = committed.council
    other = committed.run(
        lambda: Record.objects.create(title="Other work", file_class=committed.file_class)
    )
    title = f"Frozen upload {committed.tag}"

    def declare():
        with schema_context(council.schema_name):
            return actions.declare_record(
                committed.user,
                upload=upload("minutes.pdf", make_pdf("Minutes " * 2000), "application/pdf"),
                title=title,
                file_class=committed.file_class,
            )

    def other_action():
        with schema_context(council.schema_name):
            record = Record.objects.get(pk=other.pk)
            return actions.update_record(committed.user, record, title="Other work, renamed")

    with django_db_blocker.unblock():
        committed.run(lambda: storage.list_stored_names())  # S3 answers before the freeze
        moto_process.freeze()
        try:
            uploading = _in_thread(declare)
            time.sleep(1.0)  # the upload is waiting on the frozen S3
            assert uploading["thread"].is_alive()
            working = _in_thread(other_action)
            working["thread"].join(30)
            uploading["thread"].join(30)
        finally:
            moto_process.thaw()

    # The other audited action did not wait for the hung upload (before: it waited for the
    # audit lock the upload's transaction held, until boto gave up).
    assert "error" not in working, working
    assert working["seconds"] < 1.5, working
    # The upload failed within its timeouts (one attempt: 1 s waiting for "100 Continue", then
    # a 3 s read timeout) with the clear 503 error.
    assert isinstance(uploading.get("error"), StorageUnavailable), uploading
    assert uploading["seconds"] < 8, uploading
    assert committed.run(lambda: Record.objects.filter(title=title).count()) == 0

    # An orphan package too (a transfer whose recording failed), then the sweep.
    committed.run(
        lambda: storage.save_content(
            f"transfers/{committed.tag}.zip", upload("p.zip", b"PK"), content_type="x/zip"
        )
    )

    def orphans():
        keys = set(RecordVersion.objects.values_list("storage_key", flat=True))
        return sorted(storage.list_stored_names() - keys) + sorted(
            storage.list_stored_names("transfers/")
        )

    # The write that timed out may land in the bucket once S3 answers again.
    try:
        wait_until(lambda: len(committed.run(orphans)) > 1, timeout=3)
    except AssertionError:
        pass
    found = committed.run(orphans)
    assert found, found
    out = StringIO()
    with django_db_blocker.unblock():
        call_command(
            "reconcile_records",
            "--council",
            council.slug,
            "--fix",
            "--grace-seconds",
            "0",
            stdout=out,
        )
    assert committed.run(orphans) == [], out.getvalue()
    audited = committed.run(
        lambda: set(
            AuditEntry.objects.filter(
                action__in=["records.orphan_content_deleted", "records.orphan_package_deleted"]
            ).values_list("object_id", flat=True)
        )
    )
    assert set(found) <= audited, (found, audited)


def test_download_during_an_s3_outage_answers_503_and_audits_nothing(
    committed, moto_process, django_db_blocker
):
    """Before: a 302 to a presigned URL that could not work, and a ``content.read`` audit entry
    for a read that never happened (issue 17, item 6)."""
    from django.test import Client
    from django_tenants.utils import schema_context

    from platform_core.audit.models import AuditEntry
    from records import actions

    def declare():
        with schema_context(committed.council.schema_name):
            return actions.declare_record(
                committed.user,
                upload=upload("minutes.pdf", make_pdf("Minutes"), "application/pdf"),
                title=f"Download {committed.tag}",
                file_class=committed.file_class,
            )

    def reads():
        return list(
            AuditEntry.objects.filter(
                action__in=["content.read", "content.link_issued"], object_id=str(record.pk)
            ).values_list("action", flat=True)
        )

    client = Client(HTTP_HOST=committed.host, HTTP_AUTHORIZATION=f"Token {committed.token}")
    path = None
    with django_db_blocker.unblock():
        record = committed.run(declare)
        path = f"/api/v1/records/records/{record.pk}/versions/1/download/"
        # Warm: the client's first request builds the middleware (WhiteNoise scans static files).
        assert client.get(f"/api/v1/records/records/{record.pk}/").status_code == 200
        moto_process.freeze()
        try:
            started = time.monotonic()
            response = client.get(path)
            seconds = time.monotonic() - started
        finally:
            moto_process.thaw()
        assert response.status_code == 503, response.content[:300]
        error = response.json()["error"]
        assert error["code"] == "storage_unavailable"
        assert "cannot be reached" in error["message"]
        # One HEAD with RECORDS_STORAGE_PROBE_TIMEOUT (2 s) for connect and read, one attempt
        # (measured: median 2.6 s, max 4.8 s on the loaded machine), not the upload client's
        # 2 x 11 s.
        assert seconds < 8, seconds
        assert committed.run(reads) == []

        response = client.get(path)  # S3 answers again
        assert response.status_code == 302
        assert committed.run(reads) == ["content.link_issued"]


@pytest.mark.django_db
def test_s3_client_timeouts_and_retries_are_deliberate(monkeypatch):
    """Production's S3 client: 2 s connect, 10 s read, 2 attempts in all, standard mode (boto's
    defaults: 60 s reads, legacy mode's 5 attempts). (Also makes pytest set up the test database for
    this module, whose other test commits its own data.)"""
    from platform_core.settings.base import storage_settings

    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "bucket")
    for name in ("AWS_S3_CONNECT_TIMEOUT", "AWS_S3_READ_TIMEOUT", "AWS_S3_MAX_ATTEMPTS"):
        monkeypatch.delenv(name, raising=False)
    config = storage_settings()["default"]["OPTIONS"]["client_config"]
    assert (config.connect_timeout, config.read_timeout) == (2.0, 10.0)
    assert config.retries == {"total_max_attempts": 2, "mode": "standard"}
