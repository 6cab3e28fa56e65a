from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.models import Council


class Command(BaseCommand):
    help = (
        "Compare a council's stored record content and transfer packages with its rows. Reports "
        "content without a version row, packages no transfer recorded, and live versions whose "
        "content is missing. With --fix: deletes the orphan content and packages older than the "
        "grace period (a write in flight is not an orphan yet) and audits each deletion and each "
        "missing content (rows are evidence: they are never deleted)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", required=True, help="the council's slug")
        parser.add_argument("--fix", action="store_true", help="delete orphans, audit each")
        parser.add_argument(
            "--grace-seconds",
            type=float,
            default=None,
            help="only objects older than this are orphans (RECORDS_ORPHAN_GRACE_SECONDS, 3600)",
        )

    def handle(self, *args, council, fix=False, grace_seconds=None, **options):
        found = Council.objects.filter(slug=council).first()
        if found is None:
            raise CommandError(f"No council with slug {council!r}.")
        if grace_seconds is None:
            grace_seconds = float(getattr(settings, "RECORDS_ORPHAN_GRACE_SECONDS", 3600))
        if grace_seconds < 0:
            raise CommandError("--grace-seconds must be 0 or more.")
        with schema_context(found.schema_name):
            self._reconcile(council, fix, timezone.now() - timedelta(seconds=grace_seconds))

    def _reconcile(self, council: str, fix: bool, older_than) -> None:
        from platform_core.audit.log import append as audit
        from platform_core.audit.models import AuditEntry
        from records import storage
        from records.models import DisposalBatch, RecordVersion

        stored = storage.list_stored_objects(storage.PREFIX)
        packages = storage.list_stored_objects("transfers/")
        every_key = set(RecordVersion.objects.values_list("storage_key", flat=True))
        live = {
            v.storage_key: v
            for v in RecordVersion.objects.filter(destroyed_at__isnull=True).only(
                "storage_key", "record_id", "number"
            )
        }
        recorded_packages = set(
            DisposalBatch.objects.exclude(transfer_package_key="").values_list(
                "transfer_package_key", flat=True
            )
        ) | set(
            AuditEntry.objects.filter(
                action="records.exported", object_type="records.transfer"
            ).values_list("object_id", flat=True)
        )
        # Content of a destroyed version still stored is not an orphan: its deletion is owed in
        # the outbox (records.record.destroyed) and done by the relay.
        content_only = sorted(n for n in stored if n not in every_key)
        package_only = sorted(n for n in packages if n not in recorded_packages)
        rows_only = sorted(set(live) - set(stored))

        deleted = {"content": 0, "packages": 0}
        for kind, names, listing, action in (
            ("content", content_only, stored, "records.orphan_content_deleted"),
            ("packages", package_only, packages, "records.orphan_package_deleted"),
        ):
            for name in names:
                label = "content without a row" if kind == "content" else "package not recorded"
                young = listing[name] > older_than
                note = " (younger than the grace period: left)" if young else ""
                self.stdout.write(f"{label}: {name}{note}")
                if not fix or young:
                    continue
                storage.delete_content(name)  # network I/O first, then a short audit
                audit(
                    action,
                    None,
                    actor="system:reconcile_records",
                    object_type="records.storage",
                    object_id=name,
                    detail={"written_at": listing[name]},
                )
                deleted[kind] += 1
                self.stdout.write(f"  deleted {name}")
        missing_audited = set(
            AuditEntry.objects.filter(action="version.content_missing").values_list(
                "detail__key", flat=True
            )
        )
        for key in rows_only:
            v = live[key]
            self.stdout.write(
                f"row without content: record {v.record_id} version {v.number} ({key})"
            )
            if fix and key not in missing_audited:
                from records.models import Record

                audit(
                    "version.content_missing",
                    Record(pk=v.record_id),
                    actor="system:reconcile_records",
                    detail={"version": v.number, "key": key},
                )
        self.stdout.write(
            f"{council}: {len(stored)} stored objects, {len(live)} live versions, "
            f"{len(content_only)} content orphans, {len(package_only)} package orphans, "
            f"{len(rows_only)} row orphans"
            + (
                f"; deleted {deleted['content']} content and {deleted['packages']} packages."
                if fix
                else "."
            )
        )
