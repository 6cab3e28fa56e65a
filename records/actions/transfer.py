"""Transfer to archive: a ZIP package of records, their files, metadata and a manifest."""

import hashlib
import json
import logging
import tempfile
import zipfile

from django.db import transaction
from django.utils import timezone

from platform_core.audit.log import append as audit

from .. import storage
from ..models import Record
from ..models.records import storage_name
from .records import record_metadata

log = logging.getLogger(__name__)


def export_transfer_package(actor, records, batch=None) -> str:
    """A ZIP with each record's files, metadata.json and a SHA-256 manifest; records marked
    transferred. The package is built and stored first, then recorded in a short transaction
    (never holding the audit lock across the upload)."""
    name = build_transfer_package(records, batch)
    try:
        record_transfer(actor, records, name)
    except BaseException:
        discard_transfer_package(name)
        raise
    return name


def build_transfer_package(records, batch=None) -> str:
    """Build the package in a spooled temporary file (never whole in memory) and store it;
    returns its name. Network I/O only: call it outside any transaction of ours. A package that
    is never recorded (``record_transfer``) is an orphan ``reconcile_records --fix`` deletes."""
    name = f"transfers/{storage_name().split('/')[-1]}.zip"
    metadata, manifest = [], []
    with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as package:
            for record in records:
                versions = []
                for version in record.versions.filter(destroyed_at__isnull=True):
                    arcname = f"records/{record.uid}/v{version.number}-{version.original_name}"
                    with (
                        storage.open_content(version.storage_key) as src,
                        package.open(arcname, "w") as dst,
                    ):
                        while chunk := src.read(1024 * 1024):
                            dst.write(chunk)
                    manifest.append(f"{version.sha256}  {arcname}")
                    versions.append(
                        {
                            "number": version.number,
                            "file": arcname,
                            "sha256": version.sha256,
                            "size": version.size,
                            "content_type": version.content_type,
                            "uploaded_at": version.uploaded_at.isoformat(),
                            "uploaded_by": version.uploaded_by,
                        }
                    )
                metadata.append(record_metadata(record) | {"versions": versions})
            meta_bytes = json.dumps(
                {"records": metadata, "batch": getattr(batch, "pk", None)}, indent=2, default=str
            ).encode()
            package.writestr("metadata.json", meta_bytes)
            manifest.append(f"{hashlib.sha256(meta_bytes).hexdigest()}  metadata.json")
            package.writestr("manifest-sha256.txt", "\n".join(manifest) + "\n")
        spool.size = spool.tell()
        storage.save_content(name, spool, content_type="application/zip")
    return name


def discard_transfer_package(name: str) -> None:
    try:
        storage.delete_content(name)
    except Exception:  # noqa: BLE001 - the caller's error is the one to report
        log.warning("records: could not delete unrecorded package %s; reconcile sweeps it", name)


@transaction.atomic
def record_transfer(actor, records, name: str) -> None:
    """Mark the records transferred to the stored package ``name`` and audit it."""
    for record in records:
        record.status = Record.Status.TRANSFERRED
        record.disposed_at = timezone.now()
        record.save(update_fields=["status", "disposed_at"])
        audit("record.transferred", record, actor=actor, detail={"package": name})
    audit(
        "records.exported",
        None,
        actor=actor,
        object_type="records.transfer",
        object_id=name,
        detail={"records": [r.pk for r in records]},
    )
