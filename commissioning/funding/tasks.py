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


@shared_task(name="funding.precompute_matches")
def precompute_matches() -> int:
    """Compute the current council's ranked matches into the shared cache (after one of its
    calls changed), so no request computes them. Idempotent: a ranking already there is kept."""
    from .matching import warm

    return warm()


@shared_task(name="funding.precompute_matches_all")
def precompute_matches_all() -> dict:
    """Beat entry: every active council's ranked matches, for changes no action enqueues a
    precompute for (the platform-wide register, members' priorities, needs data, a new day).
    Councils whose ranking is already in the shared cache cost a few queries each."""
    from tenants.access import each_active_council

    from .matching import warm

    return {council.slug: warm() for council in each_active_council()}
