import os

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from tenants.actions import ensure_platform_tenant
from tenants.fleet import migrate_fleet
from tenants.template import build_template


class Command(BaseCommand):
    help = (
        "Migrate the public schema, the template, the warm pool and every council (run on every "
        "deploy). Councils are migrated in parallel worker processes with progress recorded per "
        "council: after an interruption or a failed council, run it again to resume."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("MIGRATION_WORKERS", os.cpu_count() or 2)),
            help="worker processes, one database connection each (default: MIGRATION_WORKERS "
            "or the number of CPUs; 0 migrates in this process)",
        )

    def handle(self, *args, **options):
        from tenants import pool

        verbosity = max(0, options["verbosity"] - 1)
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        ensure_platform_tenant()
        self.stdout.write("Public schema migrated; migrating the template")
        build_template(verbosity=verbosity)
        schemas = pool.pooled_schemas() + councils()
        result = migrate_fleet(schemas, workers=options["workers"], report=self.stdout.write)
        for schema in pool.pooled_schemas():
            if schema in result.failed:
                continue
            pool.prepare_pooled(schema)
        refilled = pool.refill_pool()
        self.stdout.write(
            f"Fleet: {len(result.migrated)} schema(s) migrated, {len(result.skipped)} already "
            f"done, {len(result.failed)} failed in {result.seconds:.1f} s; warm pool: "
            f"{refilled.get('made', 0)} made, {refilled.get('dropped', 0)} dropped"
        )
        if result.failed:
            lines = "\n".join(
                f"  {schema}: {error.splitlines()[0]}" for schema, error in result.failed.items()
            )
            raise CommandError(
                f"{len(result.failed)} schema(s) failed to migrate (recorded in the console, "
                f"Fleet migrations); fix and run again to resume:\n{lines}"
            )
        self.stdout.write(
            self.style.SUCCESS("Public schema, template, warm pool and councils are migrated")
        )


def councils() -> list[str]:
    from django_tenants.utils import get_public_schema_name

    from tenants.models import Council

    return list(
        Council.objects.exclude(schema_name=get_public_schema_name())
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )
