from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from ._common import Progress, council_or_error


class Command(BaseCommand):
    help = (
        "Import a source's people or places CSV (or the gazetteer with --kind gazetteer) into a "
        "council's master data. A full import removes the source's records missing from the "
        "file; --partial keeps them."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file")
        parser.add_argument("--council", required=True, help="the council's slug")
        parser.add_argument("--source", help="the source system's name (created if new)")
        parser.add_argument("--kind", required=True, choices=["people", "places", "gazetteer"])
        parser.add_argument("--partial", action="store_true", help="do not remove missing records")
        parser.add_argument("--owner", default="", help="the source's owner (new sources)")
        parser.add_argument("--trust", type=int, help="the source's trust rank (higher wins)")

    def handle(self, *args, file, council, source, kind, partial, owner, trust, **options):
        from intelligence.masterdata import actions

        found = council_or_error(council)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        if kind != "gazetteer" and not source:
            raise CommandError("--source is required for people and places")
        progress = Progress(self.stdout, options.get("verbosity", 1) > 0)
        try:
            with schema_context(found.schema_name):
                if kind == "gazetteer":
                    result = actions.import_gazetteer(
                        path.read_bytes(), actor="mdm_import", progress=progress
                    )
                else:
                    result = actions.import_source(
                        path.read_bytes(),
                        source=source,
                        kind=kind,
                        partial=partial,
                        actor="mdm_import",
                        owner=owner,
                        trust_rank=trust,
                        progress=progress,
                    )
        except ValidationError as exc:
            messages = [m for ms in exc.message_dict.values() for m in ms]
            raise CommandError("The file was not imported:\n  " + "\n  ".join(messages)) from None
        for warning in result.warnings:
            self.stdout.write(f"warning: {warning}")
        self.stdout.write(
            f"{council} {result.source}: {result.rows} rows, {result.created} new, "
            f"{result.updated} changed, {result.unchanged} unchanged, {result.removed} removed, "
            f"{result.placed} placed, {len(result.warnings)} warnings."
        )
