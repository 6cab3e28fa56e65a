"""Tasks of the tenants app (Celery; tenant-schemas-celery runs them in the enqueuer's schema)."""

from django_tenants.utils import schema_context

from platform_core.celery import app


@app.task(name="tenants.refill_warm_pool")
def refill_warm_pool() -> dict:
    """Top the warm pool up to TENANT_WARM_POOL_SIZE; rebuild it when the template changed."""
    from .pool import refill_pool

    with schema_context("public"):
        return refill_pool()


@app.task(
    name="tenants.personalise_council",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=5,
)
def personalise_council(council_id: int) -> str:
    """A new council's AFTER_COMMIT provisioning steps (starter texts, default metrics), queued
    by the handler of its ``tenants.council.provisioned`` event once the provisioning committed
    (tenants/event_handlers.py: a broker down at the commit delays it, never loses it).
    Idempotent, so a retry or a second delivery changes nothing; a council gone since is left
    alone."""
    from .actions import run_after_commit_steps
    from .models import Council

    with schema_context("public"):
        council = Council.objects.exclude(schema_name="public").filter(pk=council_id).first()
        if council is None:
            return "gone"
        run_after_commit_steps(council)
    return "done"


# The welcome email's retries: 30 s, 1, 2, 4, 8 min, then every 15 min (with jitter), for about
# two hours of a mail server's outage; then the council is marked FAILED for the console.
WELCOME_MAX_RETRIES = 12


@app.task(
    name="tenants.send_welcome_email",
    bind=True,
    acks_late=True,
    max_retries=WELCOME_MAX_RETRIES,
)
def send_welcome_email(self, council_id: int) -> str:
    """Email a newly provisioned council's first administrator their set-password link, outside
    any web request (queued by the handler of the council's provisioned event). At most one per
    council (tenants.actions.send_welcome: an advisory lock and the PENDING marker); a failure
    to send is retried with exponential backoff, and the last is recorded on the council."""
    import random

    from .actions import send_welcome

    final = self.request.retries >= self.max_retries
    try:
        with schema_context("public"):
            return send_welcome(council_id, final=final)
    except Exception as exc:
        delay = min(900, 30 * 2**self.request.retries)
        raise self.retry(exc=exc, countdown=delay / 2 + random.uniform(0, delay / 2)) from exc  # noqa: S311


@app.task(name="tenants.build_council_export", time_limit=6 * 3600, soft_time_limit=6 * 3600 - 60)
def build_council_export(export_id: int) -> str:
    """Build a requested export's archive (idempotent: a built export is left alone)."""
    from .export import build_export

    with schema_context("public"):
        return build_export(export_id).status


@app.task(
    name="tenants.restore_council_export",
    acks_late=True,
    time_limit=6 * 3600,
    soft_time_limit=6 * 3600 - 60,
)
def restore_council_export(restore_id: int) -> str:
    """Restore an export's archive as a council, for the console (tenants.restore.run_restore;
    idempotent: a restore done or failed is left alone, a second delivery waits for the first)."""
    from .restore import run_restore

    with schema_context("public"):
        return run_restore(restore_id).status


@app.task(name="tenants.delete_expired_exports")
def delete_expired_exports() -> int:
    """Delete export archives past COUNCIL_EXPORT_RETENTION_DAYS (hourly, beat)."""
    from .export import delete_expired_exports as delete

    with schema_context("public"):
        return delete()


@app.task(name="tenants.delete_due_councils")
def delete_due_councils() -> dict:
    """Delete the councils whose deletion grace period is over (hourly, beat)."""
    from .lifecycle import delete_due_councils as delete

    with schema_context("public"):
        return delete()
