from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from commissioning.providers.fetch import FetchRefused
from commissioning.providers.importer import FeedInvalid, import_feed, import_url
from tenants.access import council_for_command


class Command(BaseCommand):
    help = (
        "Import an Open Referral UK feed (one service, a list, or a page of /services) into a "
        "council's directory from a file or an http(s) URL. An invalid feed imports nothing and "
        "every error is listed with its JSON path; a valid one prints what was created, updated "
        "and left unchanged, and every refused entry with its path."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", required=True, help="the council's slug")
        parser.add_argument("source", help="a file, or an https:// or http:// URL")

    def handle(self, *args, council, source, **options):
        target = council_for_command(council)
        try:
            with schema_context(target.schema_name):
                if source.startswith(("http://", "https://")):
                    result = import_url(source, actor="manage.py oruk_import")
                else:
                    with open(source, "rb") as handle:
                        data = handle.read()
                    result = import_feed(data, source=source, actor="manage.py oruk_import")
        except FileNotFoundError:
            raise CommandError(f"No such file: {source}") from None
        except FetchRefused as exc:
            raise CommandError(f"{source}: nothing was imported. {exc}") from None
        except FeedInvalid as exc:
            lines = "\n".join(f"  {e['path']}: {e['message']}" for e in exc.errors)
            raise CommandError(
                f"{source} is not a valid ORUK feed; nothing was imported "
                f"({len(exc.errors)} errors):\n{lines}"
            ) from None
        self.stdout.write(f"Imported {source} into {target.name}:")
        for kind, counts in result.counts.items():
            self.stdout.write(
                f"  {kind}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged"
            )
        for entry in result.refused:
            self.stdout.write(f"  refused {entry['path']} ({entry['id']}):")
            for error in entry["errors"]:
                self.stdout.write(f"    {error['path']}: {error['message']}")
        for part in result.skipped:
            self.stdout.write(f"  left out {part['path']}: {part['message']}")
