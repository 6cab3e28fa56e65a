"""Publishing to the pool on a schedule (nightly, CELERY_BEAT_SCHEDULE) and on demand."""

from django.db import transaction

from platform_core.celery import app
from tenants.models import Council


@app.task(name="intelligence.benchmarking.tasks.publish_council_task")
def publish_council_task(council_id: int, embargo_until: str | None = None) -> dict:
    """Publish one council's shared metrics. Idempotent: publishing replaces its values."""
    from datetime import date

    from .actions import publish_council

    council = Council.objects.filter(pk=council_id, status=Council.Status.ACTIVE).first()
    if council is None or council.is_public:
        return {}
    embargo = date.fromisoformat(embargo_until) if embargo_until else None
    return publish_council(council, embargo_until=embargo).__dict__


@app.task(name="intelligence.benchmarking.tasks.publish_all_councils")
def publish_all_councils() -> int:
    """The nightly run: one task per active council."""
    ids = list(
        Council.objects.filter(status=Council.Status.ACTIVE)
        .exclude(schema_name="public")
        .values_list("pk", flat=True)
    )
    for council_id in ids:
        transaction.on_commit(lambda cid=council_id: publish_council_task.delay(cid))
    return len(ids)
