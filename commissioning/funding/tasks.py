"""Celery tasks of the funding app: thin, idempotent (the notices table remembers what was sent)."""

from celery import shared_task


@shared_task(name="funding.send_alerts")
def send_alerts_for_council() -> dict:
    """One council's alerts and reminders (runs in the schema that enqueued it)."""
    from .actions import send_alerts

    run = send_alerts()
    return {"alerts": run.alerts, "reminders": run.reminders}


@shared_task(name="funding.send_alerts_all")
def send_alerts_all() -> dict:
    """Beat entry: every active council's saved-search alerts and deadline reminders."""
    from tenants.access import each_active_council

    from .actions import send_alerts

    results = {}
    for council in each_active_council():
        run = send_alerts()
        results[council.slug] = {"alerts": run.alerts, "reminders": run.reminders}
    return results
