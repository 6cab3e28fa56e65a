from django.core.management.base import BaseCommand

from tenants.template import build_template, template_schema


class Command(BaseCommand):
    help = "Create or update the council template schema that provisioning copies."

    def handle(self, *args, **options):
        build_template(verbosity=max(0, options["verbosity"] - 1))
        self.stdout.write(self.style.SUCCESS(f"Template schema {template_schema()} is up to date"))
