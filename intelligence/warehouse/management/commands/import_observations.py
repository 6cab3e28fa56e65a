import time

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from intelligence.warehouse.actions import ImportErrors, import_observations
from tenants.access import council_for_command


class Command(BaseCommand):
    help = (
        "Import observations into a council's warehouse from a CSV with the columns "
        "metric_id,area_code,period,value[,numerator,denominator]. The whole file is checked "
        "first: a file with any bad row imports nothing and every bad row is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", required=True, help="the council's slug")
        parser.add_argument("file")

    def handle(self, *args, council, file, **options):
        target = council_for_command(council)
        started = time.perf_counter()
        try:
            with open(file, "rb") as handle, schema_context(target.schema_name):
                result = import_observations(handle, filename=file, council_code=target.gss_code)
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text; nothing was imported.") from None
        except ImportErrors as exc:
            raise CommandError(f"{file}: nothing was imported. {exc}") from None
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Imported {result.rows} rows into {target.name} ({result.created} new, "
            f"{result.updated} replaced) in {elapsed:.2f}s."
        )
