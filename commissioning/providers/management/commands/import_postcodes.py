from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from commissioning.providers.postcodes import PostcodeFileInvalid, import_postcodes
from tenants.access import council_for_command


class Command(BaseCommand):
    help = (
        "Import a council's postcode lookup from a CSV in the ONS Postcode Directory's layout "
        "(pcds or pcd, lat, long, GSS code columns). The whole file is checked first: any bad "
        "line imports nothing and every bad line is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", required=True, help="the council's slug")
        parser.add_argument("file")

    def handle(self, *args, council, file, **options):
        target = council_for_command(council)
        try:
            with open(file, "rb") as handle, schema_context(target.schema_name):
                result = import_postcodes(handle, actor="manage.py import_postcodes", filename=file)
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except PostcodeFileInvalid as exc:
            more = f"\n  ... and {exc.more} more" if exc.more else ""
            lines = "\n".join(f"  {e}" for e in exc.errors)
            raise CommandError(f"{file}: nothing was imported.\n{lines}{more}") from None
        self.stdout.write(
            f"Imported {result.rows} postcodes into {target.name} ({result.created} new, "
            f"{result.updated} replaced, {result.skipped} without a grid reference skipped)."
        )
