from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.restore import restore_council

from ._util import validation_to_command_error


class Command(BaseCommand):
    help = (
        "Restore a council's export archive (export_council, or the console's download) into a "
        "new schema, as a new council or as the same one after it was deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive (.zip)")
        parser.add_argument("--slug", required=True, help="the restored council's slug")
        parser.add_argument("--name", default="", help="default: the exported council's name")
        parser.add_argument(
            "--gss-code", default=None, help="default: the exported council's GSS code"
        )
        parser.add_argument("--reason", default="")

    def handle(self, *args, **options):
        try:
            with open(options["file"], "rb") as source:
                council = restore_council(
                    source,
                    slug=options["slug"],
                    name=options["name"],
                    gss_code=options["gss_code"],
                    actor="manage.py restore_council",
                    reason=options["reason"],
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from exc
        except ValidationError as exc:
            raise validation_to_command_error(exc) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {council.name} at {council.site_url()}"))
