from django.core.management.base import BaseCommand, CommandError

from tenants import actions
from tenants.models import Council


class Command(BaseCommand):
    help = "Reactivate a suspended council."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)

    def handle(self, *args, **options):
        try:
            council = Council.objects.get(slug=options["slug"])
        except Council.DoesNotExist as exc:
            raise CommandError(f"No council with slug {options['slug']!r}") from exc
        actions.reactivate_council(council, actor="manage.py reactivate_council")
        self.stdout.write(self.style.SUCCESS(f"Reactivated {council.name}"))
