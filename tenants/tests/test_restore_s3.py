"""Export and restore with the platform's storage on S3 (moto's standalone server over HTTP,
through the real django-storages backend): a council's record content and public media go into
the archive, the archive is stored in and read back from the bucket (as in production, under
the platform's private area), and the restored council's storage areas hold the same bytes."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django_tenants.utils import schema_context

from records.conftest import declare, file_plan_a, moto_endpoint, s3, s3_storages  # noqa: F401
from records.tests.files import make_pdf
from tenants.export import STORAGE_AREAS, build_export, request_export, walk_storage
from tenants.models import Council, CouncilRestore
from tenants.restore import request_restore, run_restore

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
PDF = make_pdf("Restored over S3", pad_to=20_000)


def _files(schema: str) -> dict[tuple[str, str], bytes]:
    """Every file of the schema's two storage areas, read back through the storage API."""
    found = {}
    with schema_context(schema):
        for area, alias in STORAGE_AREAS.items():
            storage = storages[alias]
            for name in walk_storage(storage):
                with storage.open(name, "rb") as handle:
                    found[(area, name)] = handle.read()
    return found


def _keys(client, prefix: str) -> set[str]:
    listed = client.list_objects_v2(Bucket=client.bucket, Prefix=prefix)
    return {item["Key"] for item in listed.get("Contents", [])}


def test_export_and_restore_on_s3_keep_record_content_and_media_bytes(
    s3,  # noqa: F811
    council_a,
    file_plan_a,  # noqa: F811
    declare,  # noqa: F811
    in_council,
):
    record = declare(council_a, file_plan_a["policy"], name="policy.pdf", data=PDF, title="Policy")
    with in_council(council_a):
        image = storages["public"].save("images/s3-restore.png", ContentFile(PNG))
    original = _files(council_a.schema_name)
    assert ("public", image) in original and PDF in original.values()
    assert _keys(s3, f"{council_a.schema_name}/private/") and _keys(
        s3, f"{council_a.schema_name}/public/images/"
    )

    export = build_export(request_export(council_a, None, enqueue=False).pk)
    assert export.status == "done", export.error
    assert export.files == len(original)
    # The archive is an object in the bucket, in the platform's own private area.
    assert f"public/private/{export.file_name}" in _keys(s3, "public/private/exports/")

    job = request_restore(export, None, slug="alphaford-s3", gss_code="E06000941", enqueue=False)
    job = run_restore(job.pk)
    assert job.status == CouncilRestore.Status.DONE, job.errors
    restored = Council.objects.get(slug="alphaford-s3")
    try:
        assert _files(restored.schema_name) == original
        assert _keys(s3, f"{restored.schema_name}/private/") and _keys(
            s3, f"{restored.schema_name}/public/images/"
        )
        with in_council(restored):
            from records.models import Record
            from records.storage import open_content

            copy = Record.objects.get(title="Policy")
            with open_content(copy.versions.get().storage_key) as handle:
                assert handle.read() == PDF
        assert copy.pk == record.pk
    finally:
        with schema_context(restored.schema_name):
            for area, name in _files(restored.schema_name):
                storages[STORAGE_AREAS[area]].delete(name)
        with in_council(council_a):
            storages["public"].delete(image)
        with schema_context("public"):
            storages["default"].delete(export.file_name)
