from django.core.management.base import BaseCommand, CommandError

from tenants.export import write_archive
from tenants.models import Council


class Command(BaseCommand):
    help = (
        "Export a council's data (one CSV file per table, a manifest with row counts, schema "
        "version and checksums) and its files into one ZIP archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", required=True, help="the council's slug")
        parser.add_argument("file", help="where to write the archive (.zip)")

    def handle(self, *args, **options):
        council = (
            Council.objects.exclude(schema_name="public").filter(slug=options["council"]).first()
        )
        if council is None:
            raise CommandError(f"No council with slug {options['council']!r}")

        def progress(percent, step):
            if options["verbosity"] > 1:
                self.stderr.write(f"{percent:3d}% {step}")

        try:
            with open(options["file"], "w+b") as target:
                result = write_archive(council, target, progress)
        except OSError as exc:
            raise CommandError(f"Cannot write {options['file']}: {exc}") from exc
        tables = result.manifest["tables"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {council.name}: {len(tables)} tables, "
                f"{sum(t['rows'] for t in tables)} rows, {len(result.manifest['files'])} files, "
                f"{result.size} bytes, sha256 {result.sha256} -> {options['file']}"
            )
        )
