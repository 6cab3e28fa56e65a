"""Celery tasks of the providers directory."""

from celery import shared_task


@shared_task(name="providers.review_reminders_all")
def review_reminders_all() -> dict:
    """Beat entry: in every active council (each_active_council switches the schema), remind
    provider accounts of entries not reviewed for a year (at most monthly per entry)."""
    from tenants.access import each_active_council

    from .actions import send_review_reminders

    return {council.slug: send_review_reminders() for council in each_active_council()}
