from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from intelligence.benchmarking.actions import issue_api_key
from tenants.models import Council


class Command(BaseCommand):
    help = "Issue an API key for the public benchmarking API (printed once; only its hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="who the key is for")
        parser.add_argument(
            "--rate", default="", help='e.g. "6000/min" (default: the api_key rate)'
        )
        parser.add_argument(
            "--council", default="", help="a council slug: its staff see its embargoed values"
        )

    def handle(self, *args, name, rate, council, **options):
        target = None
        if council:
            target = Council.objects.exclude(schema_name="public").filter(slug=council).first()
            if target is None:
                raise CommandError(f"There is no council {council!r}.")
        try:
            key, raw = issue_api_key(name=name, council=target, rate=rate)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"{key.name}: {raw}")
