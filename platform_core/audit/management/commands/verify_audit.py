from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context


class Command(BaseCommand):
    help = (
        "Verify a council's hash-chained audit log against its signed checkpoints and name the "
        "damage: truncation (newest entries deleted), rewrite (hashes recomputed), gap (an entry "
        "missing), tampered entry, or a checkpoint with a bad signature."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", required=True, help="the council's slug")
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="only the entries after the newest checkpoint (default: the whole chain, every "
            "checkpoint, and the newest checkpoint object in S3)",
        )

    def handle(self, *args, council, incremental=False, **options):
        from platform_core.audit.checkpoints import verify

        found = (
            get_tenant_model()
            .objects.exclude(schema_name=get_public_schema_name())
            .filter(slug=council)
            .first()
        )
        if found is None:
            raise CommandError(f"No council with slug {council!r}.")
        with schema_context(found.schema_name):
            report = verify(full=not incremental)
        if not report.ok:
            raise CommandError(
                f"Audit chain of {council} is broken at entry #{report.broken_seq}: "
                f"{report.reason} [{report.problem}] ({report.checked} entries verified before it)."
            )
        anchor = (
            f"; matches the signed checkpoint of entry #{report.anchor_seq} "
            f"({report.anchored_at:%Y-%m-%d %H:%M} UTC)"
            if report.anchor_seq
            else "; no signed checkpoint yet (run manage.py audit_checkpoint)"
        )
        self.stdout.write(
            f"Audit chain of {council} verified: {report.checked} entries intact{anchor}."
        )
