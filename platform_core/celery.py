"""Celery app. tenant-schemas-celery's CeleryApp puts the current schema on every task and
switches to it in the worker, so a task always runs for the council that enqueued it."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings.dev")

app = CeleryApp("council_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
