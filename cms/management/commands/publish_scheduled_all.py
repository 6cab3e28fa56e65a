"""Publish and unpublish scheduled pages in every active council (run from cron every minute)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.access import each_active_council


class Command(BaseCommand):
    help = "Run Wagtail's publish_scheduled in every active council's schema."

    def handle(self, *args, **options):
        checked = 0
        for _council in each_active_council():
            call_command("publish_scheduled", verbosity=0)
            checked += 1
        self.stdout.write(f"checked {checked} councils")
