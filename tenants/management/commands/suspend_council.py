from django.core.management.base import BaseCommand, CommandError

from tenants import actions
from tenants.models import Council


class Command(BaseCommand):
    help = "Suspend a council: its site, admin and API answer 503; nothing is deleted."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--reason", default="")

    def handle(self, *args, **options):
        try:
            council = Council.objects.get(slug=options["slug"])
        except Council.DoesNotExist as exc:
            raise CommandError(f"No council with slug {options['slug']!r}") from exc
        actions.suspend_council(
            council, reason=options["reason"], actor="manage.py suspend_council"
        )
        self.stdout.write(self.style.SUCCESS(f"Suspended {council.name}"))
