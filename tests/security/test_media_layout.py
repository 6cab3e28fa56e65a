"""``manage.py move_media_layout`` moves existing files from ``<schema>/<name>`` into the
private/public layout without touching a database row (issue 8, item 2)."""

import io
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.test import Client
from django_tenants.utils import schema_context

from records.conftest import BUCKET

pytestmark = pytest.mark.django_db


def _run(**options) -> str:
    out = io.StringIO()
    call_command("move_media_layout", stdout=out, **options)
    return out.getvalue()


def test_filesystem_files_move_to_their_area(council_b):
    tag = uuid.uuid4().hex
    root = Path(settings.MEDIA_ROOT) / council_b.schema_name
    old = {
        f"images/crest-{tag}.png": b"rendition",
        f"records/{tag}": b"record content",
        f"documents/minutes-{tag}.pdf": b"document",
        f"original_images/photo-{tag}.jpg": b"original",
    }
    for name, data in old.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    dry = _run(council=council_b.slug, dry_run=True)
    assert "would move" in dry and (root / f"records/{tag}").exists()
    _run(council=council_b.slug)
    try:
        for name in old:
            assert not (root / name).exists()
        with schema_context(council_b.schema_name):
            assert storages["public"].open(f"images/crest-{tag}.png").read() == b"rendition"
            for name in list(old)[1:]:
                assert default_storage.open(name).read() == old[name]
                assert not storages["public"].exists(name)
        client = Client(HTTP_HOST=council_b.primary_domain)
        assert client.get(f"/media/images/crest-{tag}.png").status_code == 200
        assert client.get(f"/media/records/{tag}").status_code == 404
        again = _run(council=council_b.slug)
        assert f"{council_b.slug}: moved 0 file(s)" in again
        # A name stored before names were normalised is moved, and listed to be renamed.
        odd = root / f"documents/report\u00b2-{tag}.pdf"
        odd.parent.mkdir(parents=True, exist_ok=True)
        odd.write_bytes(b"old upload")
        report = _run(council=council_b.slug)
        assert (root / "private" / odd.relative_to(root)).exists()
        assert "not in Unicode NFKC form" in report and "Rename" in report
        (root / "private" / odd.relative_to(root)).unlink()
    finally:
        with schema_context(council_b.schema_name):
            storages["public"].delete(f"images/crest-{tag}.png")
            for name in list(old)[1:]:
                default_storage.delete(name)


def test_s3_objects_move_to_their_area_keeping_object_lock(council_b, s3, settings):
    settings.RECORDS_OBJECT_LOCK_MODE = "governance"
    tag = uuid.uuid4().hex
    prefix = f"{council_b.schema_name}/"
    until = datetime.now(UTC) + timedelta(days=2)
    s3.put_object(Bucket=BUCKET, Key=f"{prefix}images/crest-{tag}.png", Body=b"rendition")
    s3.put_object(
        Bucket=BUCKET,
        Key=f"{prefix}records/{tag}",
        Body=b"record content",
        ObjectLockMode="GOVERNANCE",
        ObjectLockRetainUntilDate=until,
    )
    output = _run(council=council_b.slug)
    assert f"{council_b.slug}: moved 2 file(s); 0 to look at" in output
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)["Contents"]}
    assert f"{prefix}public/images/crest-{tag}.png" in keys
    assert f"{prefix}private/records/{tag}" in keys
    assert f"{prefix}images/crest-{tag}.png" not in keys and f"{prefix}records/{tag}" not in keys
    head = s3.head_object(Bucket=BUCKET, Key=f"{prefix}private/records/{tag}")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    with schema_context(council_b.schema_name):
        assert default_storage.open(f"records/{tag}").read() == b"record content"
    response = Client(HTTP_HOST=council_b.primary_domain).get(f"/media/images/crest-{tag}.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"rendition"
    for key in (f"{prefix}public/images/crest-{tag}.png", f"{prefix}private/records/{tag}"):
        for v in s3.list_object_versions(Bucket=BUCKET, Prefix=key).get("Versions", []):
            s3.delete_object(
                Bucket=BUCKET, Key=key, VersionId=v["VersionId"], BypassGovernanceRetention=True
            )
