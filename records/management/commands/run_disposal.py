from django.core.management.base import BaseCommand, CommandError

from tenants.access import active_councils, each_active_council


class Command(BaseCommand):
    help = "The daily disposal run: put every record now due into a disposal batch for review."

    def add_arguments(self, parser):
        parser.add_argument("--council", help="one council's slug (default: every active council)")

    def handle(self, *args, council=None, **options):
        from records.actions import run_disposal_schedule

        councils = active_councils()
        if council:
            councils = councils.filter(slug=council)
            if not councils.exists():
                raise CommandError(f"No active council with slug {council!r}.")
        for found in each_active_council(councils):
            batch = run_disposal_schedule()
            count = batch.items.count() if batch else 0
            if batch:
                self.stdout.write(f"{found.slug}: disposal batch {batch.pk} with {count} records")
            else:
                self.stdout.write(f"{found.slug}: nothing due")
