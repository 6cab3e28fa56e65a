from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context


class Command(BaseCommand):
    help = (
        "Sign each council's audit-chain head (after verifying the chain since the last "
        "checkpoint) and store the checkpoint in the public schema and, where files are on S3, "
        "as an object under Object Lock."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", help="the council's slug (default: every council)")
        parser.add_argument(
            "--force", action="store_true", help="sign again even if the head has not moved"
        )

    def handle(self, *args, council=None, force=False, **options):
        from platform_core.audit.checkpoints import create_checkpoint

        councils = get_tenant_model().objects.exclude(schema_name=get_public_schema_name())
        if council:
            councils = councils.filter(slug=council)
            if not councils.exists():
                raise CommandError(f"No council with slug {council!r}.")
        failed = []
        for found in councils.order_by("slug"):
            with schema_context(found.schema_name):
                result = create_checkpoint(force=force)
            self.stdout.write(f"{found.slug}: {result.summary}")
            if not result.report.ok:
                failed.append(found.slug)
        if failed:
            raise CommandError(f"Audit chain does not verify for: {', '.join(failed)}.")
