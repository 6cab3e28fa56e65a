"""Exporting a council: one ZIP with a CSV per table, its files, and a manifest that says what
is inside (row counts, checksums, migration state); built by a task with progress; the
command; council B's data never in A's archive."""

import csv
import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError

from tenants import export as council_export
from tenants.models import CouncilEvent, CouncilExport

pytestmark = pytest.mark.django_db


@pytest.fixture
def files_a(council_a, in_council):
    """A private and a public file in council A's storage (removed afterwards)."""
    with in_council(council_a):
        private = storages["default"].save("exports-test/report.pdf", ContentFile(b"%PDF-1.7 A"))
        public = storages["public"].save("images/exports-test.txt", ContentFile(b"public A"))
    yield private, public
    with in_council(council_a):
        storages["default"].delete(private)
        storages["public"].delete(public)


def _archive(council) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    council_export.write_archive(council, buffer)
    return zipfile.ZipFile(buffer)


def test_archive_holds_every_table_with_counts_checksums_and_files(council_a, in_council, files_a):
    from django.contrib.auth import get_user_model

    with in_council(council_a):
        get_user_model().objects.create_user("exported@alphaford.example", email="e@a.example")
        users = get_user_model().objects.count()
    archive = _archive(council_a)
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["format"] == council_export.FORMAT
    assert manifest["council"]["slug"] == "alphaford"
    assert "cms.0001_initial" in manifest["schema_version"]["migrations"]
    tables = {t["name"]: t for t in manifest["tables"]}
    assert set(tables) == set(council_export.schema_tables("c_alphaford")) - {"django_session"}
    users_table = tables["auth_user"]
    assert users_table["rows"] == users
    data = archive.read(users_table["file"])
    assert hashlib.sha256(data).hexdigest() == users_table["sha256"]
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert len(rows) == users
    assert "exported@alphaford.example" in {r["username"] for r in rows}
    files = {(f["area"], f["name"]): f for f in manifest["files"]}
    private, public = files_a
    assert archive.read(files["private", private]["file"]) == b"%PDF-1.7 A"
    assert archive.read(files["public", public]["file"]) == b"public A"


def test_another_councils_rows_and_files_are_not_in_the_archive(
    council_a, council_b, in_council, files_a
):
    from django.contrib.auth import get_user_model

    with in_council(council_b):
        get_user_model().objects.create_user("only-b@betaby.example")
        secret = storages["default"].save("exports-test/b-secret.txt", ContentFile(b"B only"))
    try:
        archive = _archive(council_a)
    finally:
        with in_council(council_b):
            storages["default"].delete(secret)
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"only-b@betaby.example" not in everything
    assert b"B only" not in everything
    assert not [n for n in archive.namelist() if "b-secret" in n]


def test_export_job_builds_the_archive_reports_progress_and_records_history(
    council_a, files_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = council_export.request_export(council_a, "test")
    export.refresh_from_db()
    assert export.status == CouncilExport.Status.DONE, export.error
    assert export.progress == 100 and export.tables > 10 and export.files >= 2
    with council_export.open_export(export) as stored:
        data = stored.read()
    assert hashlib.sha256(data).hexdigest() == export.sha256 and len(data) == export.size
    assert zipfile.ZipFile(io.BytesIO(data)).read("manifest.json")
    event = CouncilEvent.objects.get(council=council_a, kind="exported")
    assert event.detail["export"] == export.pk
    # Idempotent: a second run leaves the built export alone.
    assert council_export.build_export(export.pk).file_name == export.file_name
    council_export.delete_expired_exports(
        now=export.expires_at.replace(year=export.expires_at.year + 1)
    )
    export.refresh_from_db()
    assert export.status == CouncilExport.Status.EXPIRED and not export.file_name


def test_a_second_delivery_waits_for_the_build_under_way_then_builds_only_if_it_died(
    council_a, files_a
):
    """A build longer than the broker's visibility timeout is delivered again to another worker
    while the first still runs. The second waits on the first's lock (held by its connection)
    rather than building alongside it; when the first worker dies its connection closes and the
    second builds the export."""
    import threading
    import time

    import psycopg
    from django.db import connection

    export = council_export.request_export(council_a, "test", enqueue=False)
    db = connection.settings_dict
    first = psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"], autocommit=True
    )
    first.execute("SELECT pg_advisory_lock(hashtext('tenants.export'), %s)", [export.pk])
    threading.Timer(2.0, first.close).start()  # the first delivery's worker dies
    started = time.monotonic()
    built = council_export.build_export(export.pk)
    assert time.monotonic() - started >= 1.9  # it waited for the first delivery's lock
    assert built.status == CouncilExport.Status.DONE, built.error
    assert CouncilEvent.objects.filter(council=council_a, kind="exported").count() == 1
    # A delivery after the build finds it done and neither waits nor builds again.
    again = psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"], autocommit=True
    )
    try:
        again.execute("SELECT pg_advisory_lock(hashtext('tenants.export'), %s)", [export.pk])
        assert council_export.build_export(export.pk).file_name == built.file_name
    finally:
        again.close()
    assert CouncilEvent.objects.filter(council=council_a, kind="exported").count() == 1


def test_command_writes_the_archive_and_refuses_an_unknown_council(council_a, tmp_path):
    target = tmp_path / "alphaford.zip"
    out = io.StringIO()
    call_command("export_council", "--council", "alphaford", str(target), stdout=out)
    assert "Exported Alphaford Council" in out.getvalue()
    assert "manifest.json" in zipfile.ZipFile(target).namelist()
    with pytest.raises(CommandError, match="No council with slug 'nowhere'"):
        call_command("export_council", "--council", "nowhere", str(tmp_path / "x.zip"))
