"""Beat tasks: flush the Redis counters, measure storage and staff users, issue invoices.

Each loops over the active councils (``tenants.access.each_active_council``, which enters each
council's schema: the counters' keys and the storage areas carry the schema). All are
idempotent: a flush keeps the larger total, a measurement replaces the latest value, an
invoice is made once per council and month.
"""

from celery import shared_task

from tenants.access import each_active_council

from . import actions, metering, money


def _administrators() -> list[str]:
    """Email addresses of the current council's administrators (its schema's users)."""
    from django.contrib.auth import get_user_model

    return sorted(
        get_user_model()
        .objects.filter(groups__name="Council administrators", is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


@shared_task(name="billing.flush_usage", acks_late=True)
def flush_usage() -> dict:
    """Every minute: Redis counters → Usage (this month and last), then quota warnings."""
    period = metering.current_period()
    periods = [money.previous_month(period), period]
    flushed = {}
    for council in each_active_council():
        flushed[council.slug] = actions.flush_council(council, periods)
        actions.check_quotas(council, period, _administrators())
    return flushed


@shared_task(name="billing.measure_usage", acks_late=True)
def measure_usage() -> dict:
    """Hourly: storage (records content and media) and staff users per council."""
    period = metering.current_period()
    measured = {}
    for council in each_active_council():
        measured[council.slug] = actions.measure_council(council, period)
        actions.check_quotas(council, period, _administrators())
    return measured


@shared_task(name="billing.issue_invoices", acks_late=True)
def issue_invoices() -> dict:
    """On the 1st: last month's invoices (a month already invoiced is skipped)."""
    from tenants.access import active_councils

    period = money.previous_month(metering.current_period())
    for council in each_active_council():
        actions.flush_council(council, [period])
    made, existing = actions.generate_invoices(period, active_councils())
    return {"period": f"{period:%Y-%m}", "made": len(made), "existing": len(existing)}
