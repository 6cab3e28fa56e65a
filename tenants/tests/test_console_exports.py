"""The console's export pages: asking for an export, its progress, the download (platform staff
with the permission only, recorded in the history), and what others get."""

import io
import zipfile

import pytest
from django.test import Client

from tenants.models import CouncilEvent, CouncilExport

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


def test_restore_from_the_export_page_and_a_bad_slug_is_named(
    root, council_a, django_capture_on_commit_callbacks, restored_storage
):
    with django_capture_on_commit_callbacks(execute=True):
        root.post("/console/councils/alphaford/export/")
    export = CouncilExport.objects.get(council=council_a)
    page = root.get(f"/console/exports/{export.pk}/").content.decode()
    assert "Restore council" in page
    bad = root.post(f"/console/exports/{export.pk}/restore/", {"restore-slug": "betaby"})
    assert bad.status_code == 400 and "already taken" in bad.content.decode()
    response = root.post(
        f"/console/exports/{export.pk}/restore/",
        {"restore-slug": "alphaford-again", "restore-gss_code": "E06000921"},
    )
    assert response.status_code == 302, response.content.decode().split(
        "govuk-error-summary__list"
    )[-1][:1500]
    assert response["Location"] == "/console/councils/alphaford-again/"
    from django_tenants.utils import schema_exists

    assert schema_exists("c_alphaford_again")
    viewer = console_client(
        platform_user("exports-only@platform.example", perms=["tenants.view_councilexport"])
    )
    refused = viewer.post(
        f"/console/exports/{export.pk}/restore/",
        {"restore-slug": "alphaford-third", "restore-gss_code": "E06000922"},
    )
    assert refused.status_code == 403 and not schema_exists("c_alphaford_third")
