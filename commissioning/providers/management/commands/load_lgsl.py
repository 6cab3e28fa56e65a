from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from commissioning.providers.lgsl import load_lgsl
from tenants.access import active_councils


class Command(BaseCommand):
    help = (
        "Load the full Local Government Service List (commissioning/providers/data/lgsl.csv) "
        "into a council's LGSL taxonomy, or every active council's with --all. Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", help="the council's slug")
        parser.add_argument("--all", action="store_true", help="every active council")

    def handle(self, *args, council=None, all=False, **options):
        if bool(council) == bool(all):
            raise CommandError("Give --council SLUG or --all.")
        councils = active_councils()
        if council:
            councils = councils.filter(slug=council)
            if not councils.exists():
                raise CommandError(f"There is no active council {council!r}.")
        for target in councils:
            with schema_context(target.schema_name):
                result = load_lgsl(actor="manage.py load_lgsl")
            self.stdout.write(
                f"{target.name}: LGSL {result['created']} added, {result['updated']} updated, "
                f"{result['unchanged']} unchanged."
            )
