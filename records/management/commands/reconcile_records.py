from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from tenants.models import Council


class Command(BaseCommand):
    help = (
        "Compare a council's stored record content with its version rows and report orphans: "
        "content without a row, and live rows whose content is missing. Reports; deletes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", required=True, help="the council's slug")

    def handle(self, *args, council, **options):
        from records.models import RecordVersion
        from records.storage import list_stored_names

        found = Council.objects.filter(slug=council).first()
        if found is None:
            raise CommandError(f"No council with slug {council!r}.")
        with schema_context(found.schema_name):
            stored = list_stored_names()
            rows = {
                v.storage_key: v
                for v in RecordVersion.objects.filter(destroyed_at__isnull=True).only(
                    "storage_key", "record_id", "number"
                )
            }
        content_only = sorted(stored - set(rows))
        rows_only = sorted(set(rows) - stored)
        for name in content_only:
            self.stdout.write(f"content without a row: {name}")
        for key in rows_only:
            v = rows[key]
            self.stdout.write(
                f"row without content: record {v.record_id} version {v.number} ({key})"
            )
        self.stdout.write(
            f"{council}: {len(stored)} stored objects, {len(rows)} live versions, "
            f"{len(content_only)} content orphans, {len(rows_only)} row orphans."
        )
