"""Celery app. tenant-schemas-celery's CeleryApp puts the current schema on every task and
switches to it in the worker, so a task always runs for the council that enqueued it."""

import os

from celery.signals import worker_process_init
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings.dev")

app = CeleryApp("council_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _freeze_what_is_loaded(**_kwargs) -> None:
    """Each worker process, once started, keeps the garbage collector off what it has loaded
    (platform_core/warmup.py, ``freeze``)."""
    from platform_core.warmup import freeze

    freeze()
