"""Beat jobs that must not be skipped: a last-success marker per job and an idempotent catch-up.

Celery beat sends each schedule once; when the broker is down at that moment the tick is lost
(beat logs the error and waits for the next one), and when beat itself is down nothing is sent.
For the jobs in ``CATCH_UP_JOBS`` (daily disposal, the nightly benchmarking publication,
scheduled publishing) that would silently skip a day's work. So:

- every successful run of such a job's task writes its ``JobRun.last_success_at`` (the Celery
  ``task_success`` signal, in whichever process ran it);
- beat sends ``platform_core.catch_up`` every ``CATCH_UP_SECONDS``; it looks at each job's
  schedule and marker, and when the schedule fired more than ``CATCH_UP_GRACE_SECONDS`` ago
  without a success since, it enqueues the job once (again after ``CATCH_UP_RETRY_SECONDS`` if it
  still has not succeeded). The jobs are idempotent, so a catch-up that races a late regular tick
  costs a second, empty run.

A job seen for the first time gets a marker of "now" (a new installation has missed nothing).
"""

from __future__ import annotations

import copy
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)


def _jobs() -> dict[str, dict]:
    """The catch-up jobs' beat entries, by name."""
    schedule = settings.CELERY_BEAT_SCHEDULE
    return {name: schedule[name] for name in settings.CATCH_UP_JOBS if name in schedule}


def _public():
    from django_tenants.utils import get_public_schema_name, schema_context

    return schema_context(get_public_schema_name())


def record_success(task_name: str, when: datetime | None = None) -> None:
    """Mark every catch-up job run by ``task_name`` as done now."""
    from .models import JobRun

    names = [name for name, entry in _jobs().items() if entry["task"] == task_name]
    if not names:
        return
    when = when or timezone.now()
    with _public():
        for name in names:
            JobRun.objects.update_or_create(name=name, defaults={"last_success_at": when})


def on_task_success(sender=None, **kwargs) -> None:
    """Celery ``task_success`` receiver: never fails the task that succeeded."""
    name = getattr(sender, "name", None)
    if not name:
        return
    try:
        record_success(name)
    except Exception:
        log.exception("schedules: could not record the success of %s", name)


def overdue(now: datetime | None = None) -> list[str]:
    """The catch-up jobs whose schedule fired more than the grace ago with no success since."""
    from celery.schedules import maybe_schedule

    from .celery import app
    from .models import JobRun

    now = now or timezone.now()
    grace = float(settings.CATCH_UP_GRACE_SECONDS)
    retry = float(settings.CATCH_UP_RETRY_SECONDS)
    due = []
    with _public():
        for name, entry in _jobs().items():
            run = JobRun.objects.filter(name=name).first()
            if run is None:
                JobRun.objects.get_or_create(name=name, defaults={"last_success_at": now})
                continue
            # A copy: a crontab in the settings is shared by every caller.
            sched = copy.copy(maybe_schedule(entry["schedule"], app=app))
            sched.nowfun = lambda: now
            late = -sched.remaining_estimate(run.last_success_at).total_seconds()
            if late <= grace:
                continue
            enqueued = run.last_enqueued_at
            if (
                enqueued
                and enqueued > run.last_success_at
                and now - enqueued < timedelta(seconds=retry)
            ):
                continue  # sent already; give it time to run
            due.append(name)
    return due


def catch_up(now: datetime | None = None) -> list[str]:
    """Enqueue every overdue job once; returns their names."""
    from .celery import app
    from .models import JobRun

    now = now or timezone.now()
    app.loader.import_default_modules()
    sent = []
    for name in overdue(now):
        entry = settings.CELERY_BEAT_SCHEDULE[name]
        log.warning("schedules: %s missed its schedule; running it now", name)
        app.tasks[entry["task"]].apply_async(**entry.get("options", {}))
        with _public():
            JobRun.objects.filter(name=name).update(last_enqueued_at=now)
        sent.append(name)
    return sent
