"""Publish and unpublish scheduled pages in every active council (run from cron every minute)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context


class Command(BaseCommand):
    help = "Run Wagtail's publish_scheduled in every active council's schema."

    def handle(self, *args, **options):
        from tenants.models import Council

        councils = Council.objects.exclude(schema_name="public").filter(
            status=Council.Status.ACTIVE
        )
        for council in councils:
            with schema_context(council.schema_name):
                call_command("publish_scheduled", verbosity=0)
        self.stdout.write(f"checked {councils.count()} councils")
