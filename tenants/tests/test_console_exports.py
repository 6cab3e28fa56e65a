"""The console's export pages: asking for an export, its progress, the download (platform staff
with the permission only, recorded in the history), and what others get."""

import io
import json
import zipfile

import pytest
from django.test import Client

from tenants.models import CouncilEvent, CouncilExport, CouncilRestore

from .consolehelpers import console_client, platform_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def root():
    return console_client(platform_user("root@platform.example", superuser=True))


def test_export_from_the_council_page_builds_and_downloads_the_archive(
    root, council_a, django_capture_on_commit_callbacks
):
    page = root.get("/console/councils/alphaford/").content.decode()
    assert "Export council" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = root.post("/console/councils/alphaford/export/")
    export = CouncilExport.objects.get(council=council_a)
    assert response.status_code == 302 and response["Location"] == f"/console/exports/{export.pk}/"
    body = root.get(response["Location"]).content.decode()
    assert "Ready" in body and "Download archive" in body, body
    status = root.get(f"/console/exports/{export.pk}/status/").json()
    assert status["status"] == "done" and status["progress"] == 100 and status["finished"]
    download = root.get(f"/console/exports/{export.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    data = b"".join(download.streaming_content)
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    downloaded = CouncilEvent.objects.get(council=council_a, kind="export-downloaded")
    assert downloaded.actor_name == "root@platform.example"
    listing = root.get("/console/exports/").content.decode()
    assert f'data-export="{export.pk}"' in listing
    council_page = root.get("/console/councils/alphaford/").content.decode()
    assert f"Export #{export.pk}" in council_page and "Exported" in council_page


def test_progress_of_an_export_being_built(root, council_a):
    export = CouncilExport.objects.create(
        council=council_a,
        council_slug="alphaford",
        council_name="Alphaford Council",
        requested_by_name="test",
        status="running",
        progress=42,
        step="Table auth_user",
    )
    body = root.get(f"/console/exports/{export.pk}/").content.decode()
    assert 'value="42"' in body and "Table auth_user" in body and "export.js" in body
    assert root.get(f"/console/exports/{export.pk}/download/").status_code == 404


def test_staff_without_the_permission_and_visitors_cannot_export_or_download(council_a):
    export = CouncilExport.objects.create(
        council=council_a,
        council_slug="alphaford",
        council_name="Alphaford Council",
        requested_by_name="test",
        status="done",
        file_name="exports/alphaford/x.zip",
    )
    viewer = console_client(
        platform_user("viewer@platform.example", perms=["tenants.view_council"])
    )
    assert viewer.post("/console/councils/alphaford/export/").status_code == 403
    assert viewer.get(f"/console/exports/{export.pk}/download/").status_code == 403
    assert viewer.get("/console/exports/").status_code == 403
    anonymous = Client(HTTP_HOST="platform.localhost")
    response = anonymous.get(f"/console/exports/{export.pk}/download/")
    assert response.status_code == 302 and "/console/login/" in response["Location"]
    assert CouncilExport.objects.filter(council=council_a).count() == 1
    assert not CouncilEvent.objects.filter(kind="export-downloaded").exists()


def test_unknown_export_and_council_are_404(root):
    assert root.get("/console/exports/987654/").status_code == 404
    assert root.get("/console/exports/987654/download/").status_code == 404
    assert root.post("/console/councils/nowhere/export/").status_code == 404
    assert root.get("/console/councils/alphaford/export/").status_code == 405


def _empty_storage(schema):
    from django.core.files.storage import storages
    from django_tenants.utils import schema_context

    from tenants.export import walk_storage

    with schema_context(schema):
        for alias in ("default", "public"):
            for name in list(walk_storage(storages[alias])):
                storages[alias].delete(name)


@pytest.fixture
def restored_storage():
    """The restored council's storage area is empty before and after (files outlive the test's
    rolled-back transaction)."""
    _empty_storage("c_alphaford_again")
    yield
    _empty_storage("c_alphaford_again")


def test_restore_from_the_export_page_runs_as_a_task_with_its_progress_and_a_bad_slug_is_named(
    root, council_a, django_capture_on_commit_callbacks, restored_storage
):
    from django_tenants.utils import schema_exists

    with django_capture_on_commit_callbacks(execute=True):
        root.post("/console/councils/alphaford/export/")
    export = CouncilExport.objects.get(council=council_a)
    page = root.get(f"/console/exports/{export.pk}/").content.decode()
    assert "Restore council" in page
    bad = root.post(f"/console/exports/{export.pk}/restore/", {"restore-slug": "betaby"})
    assert bad.status_code == 400 and "already taken" in bad.content.decode()
    assert not CouncilRestore.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = root.post(
            f"/console/exports/{export.pk}/restore/",
            {"restore-slug": "alphaford-again", "restore-gss_code": "E06000921"},
        )
    job = CouncilRestore.objects.get()
    assert response.status_code == 302, response.content.decode().split(
        "govuk-error-summary__list"
    )[-1][:1500]
    assert response["Location"] == f"/console/restores/{job.pk}/"
    assert job.status == "done" and job.progress == 100 and job.council.slug == "alphaford-again"
    assert schema_exists("c_alphaford_again")
    body = root.get(response["Location"]).content.decode()
    assert "Restored Alphaford" in body and 'href="/console/councils/alphaford-again/"' in body
    status = root.get(f"/console/restores/{job.pk}/status/").json()
    assert status == {
        "status": "done",
        "status_label": "Restored",
        "progress": 100,
        "step": "Restored",
        "finished": True,
    }
    again = root.post(f"/console/exports/{export.pk}/restore/", {"restore-slug": "alphaford-again"})
    assert again.status_code == 400 and "already taken" in again.content.decode()
    viewer = console_client(
        platform_user("exports-only@platform.example", perms=["tenants.view_councilexport"])
    )
    refused = viewer.post(
        f"/console/exports/{export.pk}/restore/",
        {"restore-slug": "alphaford-third", "restore-gss_code": "E06000922"},
    )
    assert refused.status_code == 403 and not schema_exists("c_alphaford_third")
    assert viewer.get(f"/console/restores/{job.pk}/").status_code == 403
    assert root.get("/console/restores/999999/").status_code == 404


def test_the_console_enqueues_the_restore_and_shows_its_progress(
    root, council_a, django_capture_on_commit_callbacks, monkeypatch
):
    from tenants import tasks

    with django_capture_on_commit_callbacks(execute=True):
        root.post("/console/councils/alphaford/export/")
    export = CouncilExport.objects.get(council=council_a)
    sent = []
    monkeypatch.setattr(tasks.restore_council_export, "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = root.post(
            f"/console/exports/{export.pk}/restore/",
            {"restore-slug": "alphaford-later", "restore-gss_code": "E06000923"},
        )
    job = CouncilRestore.objects.get()
    assert response.status_code == 302 and sent == [job.pk]
    assert job.status == "pending" and job.requested_by_name == "root@platform.example"
    busy = root.post(f"/console/exports/{export.pk}/restore/", {"restore-slug": "alphaford-later"})
    assert busy.status_code == 400 and "already restoring" in busy.content.decode()
    CouncilRestore.objects.filter(pk=job.pk).update(
        status="running", progress=42, step="Loading table cms_page"
    )
    body = root.get(f"/console/restores/{job.pk}/").content.decode()
    assert 'id="export-bar" max="100" value="42"' in body and "Loading table cms_page" in body
    assert f'data-status-url="/console/restores/{job.pk}/status/"' in body
    status = root.get(f"/console/restores/{job.pk}/status/").json()
    assert status["progress"] == 42 and not status["finished"]


def test_a_refused_archive_shows_its_errors_and_writes_nothing(
    root, council_a, django_capture_on_commit_callbacks, restored_storage
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages
    from django_tenants.utils import schema_context, schema_exists

    from tenants.export import walk_storage
    from tenants.models import Council

    with django_capture_on_commit_callbacks(execute=True):
        root.post("/console/councils/alphaford/export/")
    export = CouncilExport.objects.get(council=council_a)
    with schema_context("public"):  # the stored archive is changed: a table's rows differ
        storage = storages["default"]
        with storage.open(export.file_name, "rb") as stored:
            original = zipfile.ZipFile(io.BytesIO(stored.read()))
        member = json.loads(original.read("manifest.json"))["tables"][0]["file"]
        changed = io.BytesIO()
        with zipfile.ZipFile(changed, "w") as zf:
            for item in original.infolist():
                data = original.read(item.filename)
                if item.filename == member:
                    data += b"\n"
                zf.writestr(item, data)
        storage.delete(export.file_name)
        storage.save(export.file_name, ContentFile(changed.getvalue()))
    with django_capture_on_commit_callbacks(execute=True):
        response = root.post(
            f"/console/exports/{export.pk}/restore/",
            {"restore-slug": "alphaford-again", "restore-gss_code": "E06000921"},
        )
    job = CouncilRestore.objects.get()
    assert job.status == "failed" and job.council is None
    assert any(f"checksum of {member}" in e for e in job.errors), job.errors
    body = root.get(response["Location"]).content.decode()
    assert "The restore was refused; nothing was kept" in body
    assert "does not match the manifest" in body
    assert not schema_exists("c_alphaford_again")
    assert not Council.objects.filter(slug="alphaford-again").exists()
    with schema_context("c_alphaford_again"):
        assert not any(next(walk_storage(storages[a]), None) for a in ("default", "public"))
