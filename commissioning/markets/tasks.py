"""Celery tasks of markets."""

from celery import shared_task


@shared_task(name="markets.recompute_all")
def recompute_all() -> dict:
    """Beat entry: in every active council, recompute every market's figures and alerts (spend,
    commitments, ratings, capacity against demand). The ledger event recomputes a commission's
    market as soon as a commitment is posted; this catches what changes without an event
    (warehouse demand, directory costs, a missed or dead-lettered event)."""
    from tenants.access import each_active_council

    from .actions import recompute

    return {council.slug: recompute() for council in each_active_council()}
