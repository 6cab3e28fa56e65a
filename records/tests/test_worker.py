"""Text extraction in a real Celery worker (a subprocess on Redis DB 4) reading committed data
from the test database, with the council's schema carried by tenant-schemas-celery."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
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
def worker():
    queue = f"records-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "platform_core.settings.test",
        "CELERY_BROKER_URL": BROKER,
        "DATABASE_URL": _test_database_url(),
        "MEDIA_ROOT": settings.MEDIA_ROOT,
    }
    celery = Path(sys.executable).parent / "celery"
    process = subprocess.Popen(  # noqa: S603 - our own virtualenv's celery
        [
            str(celery),
            "-A",
            "platform_core",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        yield queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    host = quote(db.get("HOST") or "127.0.0.1", safe="")  # a socket directory when embedded
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{connection.settings_dict['NAME']}"


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
