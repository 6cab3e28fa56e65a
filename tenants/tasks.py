"""Tasks of the tenants app (Celery; tenant-schemas-celery runs them in the enqueuer's schema)."""

from django_tenants.utils import schema_context

from platform_core.celery import app


@app.task(name="tenants.refill_warm_pool")
def refill_warm_pool() -> dict:
    """Top the warm pool up to TENANT_WARM_POOL_SIZE; rebuild it when the template changed."""
    from .pool import refill_pool

    with schema_context("public"):
        return refill_pool()
