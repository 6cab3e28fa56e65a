"""Text extraction in a real Celery worker (a subprocess on Redis DB 4) reading committed data
from the test database, with the council's schema carried by tenant-schemas-celery."""

import time
import uuid

import pytest
from django_tenants.utils import schema_context

from records.conftest import upload
from records.tests.files import make_pdf

BROKER = "redis://127.0.0.1:6379/4"
TIMEOUT = 90


@pytest.fixture
def committed_record(django_db_setup, django_db_blocker):
    """A record committed in council A's schema (so another process can read it); exactly
    what was created is deleted afterwards."""
    from platform_core.audit.models import AuditEntry
    from records.models import FilePlanClass, Record, RecordVersion
    from tenants.models import Council

    with django_db_blocker.unblock():
        council = Council.objects.get(slug="alphaford")
        with schema_context(council.schema_name):
            last_seq = (
                AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
            )
            code = f"WRK-{uuid.uuid4().hex[:6]}"
            file_class = FilePlanClass.objects.create(
                code=code,
                title="Worker test",
                trigger="creation",
                period_months=0,
                action="destroy",
            )
            # Declared without enqueueing, so the only extraction is the worker's.
            record = Record.objects.create(title="Worker test", file_class=file_class)
            data = make_pdf("Flood defence scheme for the river Alph")
            from django.core.files.storage import default_storage

            from records import storage
            from records.models.records import storage_name

            key = storage_name()
            storage.save_content(key, upload("flood.pdf", data))
            version = RecordVersion.objects.create(
                record=record,
                number=1,
                storage_key=key,
                original_name="flood.pdf",
                sha256="0" * 64,
                size=len(data),
                content_type="application/pdf",
            )
        try:
            yield council, record, version
        finally:
            with schema_context(council.schema_name):
                RecordVersion.objects.filter(pk=version.pk).delete()
                Record.objects.filter(pk=record.pk).delete()
                FilePlanClass.objects.filter(pk=file_class.pk).delete()
                AuditEntry.objects.filter(seq__gt=last_seq).delete()
                default_storage.delete(key)


@pytest.fixture
def worker(celery_worker):
    return celery_worker(BROKER)


def test_extraction_runs_in_a_real_worker_for_the_right_council(
    committed_record, worker, django_db_blocker
):
    from platform_core.celery import app
    from records.models import Record
    from records.tasks import extract_text

    council, record, version = committed_record
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        # An explicit connection: the app's pooled producer may already point elsewhere.
        with (
            django_db_blocker.unblock(),
            schema_context(council.schema_name),
            app.connection_for_write(BROKER) as conn,
        ):
            extract_text.apply_async(args=[version.pk], queue=worker, connection=conn)
            deadline = time.monotonic() + TIMEOUT
            text = ""
            while time.monotonic() < deadline and not text:
                time.sleep(0.5)
                text = Record.objects.get(pk=record.pk).extracted_text
            assert "Flood defence scheme" in text
            found = Record.objects.filter(search_vector="flood").values_list("pk", flat=True)
            assert list(found) == [record.pk]
    finally:
        app.conf.task_always_eager = saved


@pytest.mark.django_db
def test_extraction_task_is_registered_under_a_stable_name():
    """Also makes pytest-django create the test database when this module runs alone (it
    creates databases only for tests marked django_db)."""
    import records.tasks  # noqa: F401 - what the worker's autodiscovery imports
    from platform_core.celery import app

    assert "records.extract_text" in app.tasks
    assert "records.daily_disposal" in app.tasks
