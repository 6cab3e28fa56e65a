from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from tenants.models import Council


class Command(BaseCommand):
    help = "Verify a council's hash-chained audit log and name the first broken entry."

    def add_arguments(self, parser):
        parser.add_argument("--council", required=True, help="the council's slug")

    def handle(self, *args, council, **options):
        from platform_core.audit.log import verify_chain

        found = Council.objects.filter(slug=council).first()
        if found is None:
            raise CommandError(f"No council with slug {council!r}.")
        with schema_context(found.schema_name):
            report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain of {council} is broken at entry #{report.broken_seq}: "
                f"{report.reason} ({report.checked} entries verified before it)."
            )
        self.stdout.write(f"Audit chain of {council} verified: {report.checked} entries intact.")
