"""Move each council's files from the old layout (``<schema>/<name>``) into the private/public
layout (``<schema>/private/<name>``, ``<schema>/public/<name>``).

Stored names do not change (they are relative to the storage's location), so no database row
is touched: only the files move. Renditions (``images/``) go to the public area, everything else
(record content, transfer packages, documents, original images) to the private area. Safe to
run twice; ``--dry-run`` reports without moving. Names the storages now refuse (not in Unicode
NFKC form: possible for documents uploaded before names were normalised) are moved and listed,
to be renamed.

Files left in the old layout are not reachable through ``/media/`` (it reads only the public
area); they are unreadable to the platform until moved. On S3 an object under an Object Lock
in COMPLIANCE mode cannot be deleted: it is copied (with its retention) and the old copy is
reported and left in place.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name, get_tenant_model

from platform_core.storage import AREAS, PRIVATE, PUBLIC, check_name

PUBLIC_FOLDERS = {"images"}


def refused(name: str) -> str | None:
    """Why the storages will refuse this stored name (e.g. not in Unicode NFKC form, possible
    for documents uploaded before names were normalised), or None."""
    try:
        check_name(name)
    except SuspiciousFileOperation as exc:
        return str(exc)
    return None


def area_for(top_folder: str) -> str:
    return PUBLIC if top_folder in PUBLIC_FOLDERS else PRIVATE


class Command(BaseCommand):
    help = "Move council files into the private/public storage layout (see docs/security.md)."

    def add_arguments(self, parser):
        parser.add_argument("--council", help="one council's slug (default: every council)")
        parser.add_argument("--dry-run", action="store_true", help="report, move nothing")

    def handle(self, *args, council=None, dry_run=False, **options):
        councils = get_tenant_model().objects.exclude(schema_name=get_public_schema_name())
        if council:
            councils = councils.filter(slug=council)
            if not councils.exists():
                raise CommandError(f"No council with slug {council!r}.")
        storage = storages["default"]
        on_s3 = hasattr(storage, "bucket_name")
        for found in councils.order_by("schema_name"):
            if on_s3:
                moved, kept = self._move_s3(storage, found.schema_name, dry_run)
            else:
                moved, kept = self._move_filesystem(found.schema_name, dry_run)
            verb = "would move" if dry_run else "moved"
            self.stdout.write(f"{found.slug}: {verb} {moved} file(s); {len(kept)} to look at")
            for line in kept:
                self.stdout.write(f"  look at: {line}")

    def _move_filesystem(self, schema: str, dry_run: bool) -> tuple[int, list[str]]:
        root = Path(settings.MEDIA_ROOT) / schema
        moved, kept = 0, list[str]()
        if not root.is_dir():
            return moved, kept
        for entry in sorted(root.iterdir()):
            if entry.name in AREAS:
                continue
            target_root = root / area_for(entry.name)
            files = [entry] if entry.is_file() else [p for p in entry.rglob("*") if p.is_file()]
            for source in files:
                target = target_root / source.relative_to(root)
                if reason := refused(source.relative_to(root).as_posix()):
                    kept.append(f"{source}: {reason} Rename the file and its row.")
                if target.exists():
                    kept.append(f"{source} (already at {target})")
                    continue
                moved += 1
                if dry_run:
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
                if moved % 500 == 0:
                    self.stdout.write(f"  {schema}: {moved} moved")
            if not dry_run and entry.is_dir():
                for folder in sorted(entry.rglob("*"), reverse=True):
                    if folder.is_dir() and not any(folder.iterdir()):
                        folder.rmdir()
                if not any(entry.iterdir()):
                    entry.rmdir()
        return moved, kept

    def _move_s3(self, storage, schema: str, dry_run: bool) -> tuple[int, list[str]]:
        client = storage.connection.meta.client
        bucket = storage.bucket_name
        base = getattr(storage, "_base_location", "")
        prefix = "/".join(p for p in (base, schema) if p) + "/"
        bypass = (getattr(settings, "RECORDS_OBJECT_LOCK_MODE", "") or "").upper() == "GOVERNANCE"
        moved, kept = 0, []
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                rest = obj["Key"][len(prefix) :]
                top = rest.split("/", 1)[0]
                if top in AREAS:
                    continue
                target = f"{prefix}{area_for(top)}/{rest}"
                if reason := refused(rest):
                    kept.append(f"s3://{bucket}/{obj['Key']}: {reason} Rename it and its row.")
                moved += 1
                if dry_run:
                    continue
                head = client.head_object(Bucket=bucket, Key=obj["Key"])
                source = {"Bucket": bucket, "Key": obj["Key"]}
                client.copy(source, bucket, target, ExtraArgs={"MetadataDirective": "COPY"})
                if head.get("ObjectLockMode"):
                    # Set on the copy itself (a managed copy may be multipart, which does not
                    # carry the lock in every S3 implementation).
                    client.put_object_retention(
                        Bucket=bucket,
                        Key=target,
                        Retention={
                            "Mode": head["ObjectLockMode"],
                            "RetainUntilDate": head["ObjectLockRetainUntilDate"],
                        },
                    )
                if not self._delete_all_versions(client, bucket, obj["Key"], bypass):
                    kept.append(f"s3://{bucket}/{obj['Key']} (locked; copied to {target})")
        return moved, kept

    def _delete_all_versions(self, client, bucket: str, key: str, bypass: bool) -> bool:
        from botocore.exceptions import ClientError

        listing = client.list_object_versions(Bucket=bucket, Prefix=key)
        versions = [
            v
            for v in listing.get("Versions", []) + listing.get("DeleteMarkers", [])
            if v["Key"] == key
        ]
        try:
            if not versions:
                client.delete_object(Bucket=bucket, Key=key)
            for v in versions:
                extra = {"BypassGovernanceRetention": True} if bypass else {}
                client.delete_object(Bucket=bucket, Key=key, VersionId=v["VersionId"], **extra)
        except ClientError:
            return False
        return True
