from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from ._common import council_or_error


class Command(BaseCommand):
    help = "Write source,source_id,golden_id for every people or places source record."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file to write")
        parser.add_argument("--council", required=True, help="the council's slug")
        parser.add_argument("--kind", required=True, choices=["people", "places"])

    def handle(self, *args, file, council, kind, **options):
        from intelligence.masterdata import actions
        from platform_core.audit import log as audit

        found = council_or_error(council)
        with (
            schema_context(found.schema_name),
            open(file, "w", newline="", encoding="utf-8") as out,
        ):
            n = actions.export_links(kind, out)
            audit.append(
                "masterdata.links.exported",
                object_type=f"masterdata.{kind}",
                actor="mdm_export",
                detail={"rows": n, "file": str(file)},
            )
        self.stdout.write(f"{council}: {n} {kind} records written to {file}.")
