"""Periodic website tasks. Thin: they call management commands and actions."""

from celery import shared_task
from django.core.management import call_command


@shared_task(name="cms.publish_scheduled_all")
def publish_scheduled_all() -> None:
    """Publish and unpublish scheduled pages in every active council (idempotent)."""
    call_command("publish_scheduled_all", verbosity=0)
