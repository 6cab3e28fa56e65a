from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.actions import ensure_platform_tenant
from tenants.template import build_template


class Command(BaseCommand):
    help = "Migrate the public schema, every council schema and the template (run on every deploy)."

    def handle(self, *args, **options):
        verbosity = max(0, options["verbosity"] - 1)
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        ensure_platform_tenant()
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=verbosity)
        build_template(verbosity=verbosity)
        self.stdout.write(self.style.SUCCESS("Public schema, councils and template are migrated"))
