"""Warehouse tasks: publishing each council to the benchmarking pool, nightly (Celery beat
``benchmarking-publish-nightly``) and on demand. Thin, idempotent (a publication replaces the
council's values), retried with backoff when the database fails them (a dropped connection, a
serialisation failure or deadlock: publication itself writes no shared row)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(name="warehouse.publish_to_pool", acks_late=True, **RETRY)
def publish_to_pool_task(council_id: int, embargo_until: str | None = None) -> dict:
    """Publish one active council (in its own schema) to the pool."""
    from datetime import date

    from django_tenants.utils import schema_context

    from tenants.models import Council

    from .pool import publish_to_pool

    council = Council.objects.filter(pk=council_id, status=Council.Status.ACTIVE).first()
    if council is None or council.is_public:
        return {}
    embargo = date.fromisoformat(embargo_until) if embargo_until else None
    with schema_context(council.schema_name):
        return publish_to_pool(embargo_until=embargo).__dict__


@shared_task(name="warehouse.publish_all_to_pool")
def publish_all_to_pool() -> int:
    """The nightly run: one task per active council, so one council's failure (retried on its
    own) never holds up the others."""
    from django.db import transaction
    from django_tenants.utils import get_public_schema_name

    from tenants.models import Council

    ids = list(
        Council.objects.filter(status=Council.Status.ACTIVE)
        .exclude(schema_name=get_public_schema_name())
        .values_list("pk", flat=True)
    )
    for council_id in ids:
        transaction.on_commit(lambda cid=council_id: publish_to_pool_task.delay(cid))
    return len(ids)
