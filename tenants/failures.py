"""Failed Celery tasks, recorded for the console (Celery's ``task_failure`` signal).

Every failure (after its retries, or a task without retries) becomes a ``FailedTask`` row in the
public schema: the task's name and id, the council (from tenant-schemas-celery's schema header),
its arguments (values under names that look secret, at any depth, and credential-looking values
are withheld, and such a task cannot be sent again from the console), the exception, a shortened
traceback, the retries, the time. Platform staff retry (the same task, arguments and council, as
a new task) or dismiss it in the console; each is recorded on the row (who, when) and, for a
council's task, in the council's audit log.
"""

from __future__ import annotations

import re
import traceback as tb
from typing import Any

import structlog
from celery.signals import task_failure
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from .models import Council, FailedTask

log = structlog.get_logger(__name__)

SECRET = re.compile(r"pass|secret|token|key|sign|auth|credential|cookie", re.IGNORECASE)
WITHHELD = "[withheld]"


# A string value that carries a credential whatever its name: an HTTP authorisation header's
# value, or a URL with a password in it (scheme://user:password@host).
SECRET_VALUE = re.compile(
    r"^\s*(bearer|token|basic|digest)\s+\S|^[a-z][a-z0-9+.-]*://[^/\s@:]*:[^/\s@]*@",
    re.IGNORECASE,
)


_SECRET_IN_TEXT = re.compile(
    r"(?P<url>\b[a-z][a-z0-9+.-]*://[^/\s@:]*:)[^/\s@]*@"
    r"|(?P<auth>\b(?:bearer|token|basic|digest) )(?=[\w.~+/=-]{12})\S+",
    re.IGNORECASE,
)


def scrub(text: str) -> str:
    """An exception's text or traceback with credentials in it withheld: URLs' passwords and
    authorisation headers' values (a driver's error often quotes its connection URL)."""
    return _SECRET_IN_TEXT.sub(
        lambda m: f"{m['url']}{WITHHELD}@" if m["url"] else f"{m['auth']}{WITHHELD}", text
    )


def _safe(value: Any, depth: int = 0) -> tuple[Any, bool]:
    """``value`` made JSON-ready with every secret inside it withheld, at any depth: values
    under secret-looking names in dicts, credential-looking strings, objects whose repr names a
    secret. Returns (the safe value, whether anything was withheld)."""
    if depth > 20:
        return WITHHELD, True
    if isinstance(value, dict):
        out, withheld = {}, False
        for name, item in value.items():
            if SECRET.search(str(name)):
                out[str(name)] = WITHHELD
                withheld = True
            else:
                out[str(name)], hidden = _safe(item, depth + 1)
                withheld = withheld or hidden
        return out, withheld
    if isinstance(value, list | tuple | set | frozenset):
        items = [_safe(item, depth + 1) for item in value]
        return [item for item, _ in items], any(hidden for _, hidden in items)
    if isinstance(value, str):
        return (WITHHELD, True) if SECRET_VALUE.search(value) else (value, False)
    if value is None or isinstance(value, bool | int | float):
        return value, False
    text = repr(value)[:200]  # not JSON: its repr, unless that names a secret
    return (WITHHELD, True) if SECRET.search(text) or SECRET_VALUE.search(text) else (text, False)


def _clean(args, kwargs) -> tuple[list, dict, bool]:
    """Arguments fit to keep: a task with anything withheld cannot be sent again (it would
    receive the placeholder instead of the secret)."""
    safe_args, args_hidden = _safe(list(args or []))
    safe_kwargs, kwargs_hidden = _safe(dict(kwargs or {}))
    return safe_args, safe_kwargs, not (args_hidden or kwargs_hidden)


def summary(args: list, kwargs: dict) -> str:
    parts = [repr(a)[:60] for a in args] + [f"{k}={v!r}"[:60] for k, v in kwargs.items()]
    return ", ".join(parts)[:500]


def record_failure(*, task_id, task_name, schema, args, kwargs, exception, einfo=None, retries=0):
    args, kwargs, retryable = _clean(args, kwargs)
    schema = "" if schema in (None, get_public_schema_name()) else schema
    with schema_context(get_public_schema_name()):
        council = Council.objects.filter(schema_name=schema).first() if schema else None
        text = "".join(tb.format_exception(exception)) if exception is not None else ""
        return FailedTask.objects.create(
            task_id=task_id or "",
            task_name=task_name or "",
            schema_name=schema,
            council_slug=council.slug if council else "",
            args=args,
            kwargs=kwargs,
            args_summary=summary(args, kwargs),
            retryable=retryable,
            exception=scrub(f"{type(exception).__name__}: {exception}")[:1000],
            traceback=scrub(text)[-5000:],
            retries=retries or 0,
        )


@task_failure.connect
def _on_task_failure(
    sender=None, task_id=None, exception=None, args=None, kwargs=None, einfo=None, **extra
):
    from platform_core.db import connection

    try:
        request = getattr(sender, "request", None)
        headers = getattr(request, "headers", None) or {}
        schema = headers.get("_schema_name") or getattr(request, "_schema_name", None)
        record_failure(
            task_id=task_id,
            task_name=getattr(sender, "name", str(sender)),
            schema=schema or connection.schema_name,
            args=args,
            kwargs=kwargs,
            exception=exception,
            retries=getattr(request, "retries", 0),
        )
    except Exception:  # recording must never hide the task's own failure
        log.warning("tasks.failure_not_recorded", task_id=task_id, exc_info=True)


def _audit(failed: FailedTask, action: str, actor) -> None:
    if not failed.schema_name:
        return
    from platform_core.audit.log import append

    with schema_context(failed.schema_name):
        append(
            action,
            actor=actor,
            object_type="celery.task",
            object_id=failed.task_id,
            detail={"task": failed.task_name, "failed_task": failed.pk},
        )


def retry_task(failed: FailedTask, actor) -> FailedTask:
    """Send the task again (a new task id), in its council's schema."""
    from platform_core.celery import app

    if failed.status != FailedTask.Status.FAILED:
        raise ValidationError(
            {"status": [f"This failure is already {failed.get_status_display().lower()}."]}
        )
    if not failed.retryable:
        raise ValidationError(
            {
                "status": [
                    "Its arguments were withheld as secrets: it cannot be sent again from here."
                ]
            }
        )
    app.loader.import_default_modules()  # every app's tasks module (autodiscovery is lazy)
    task = app.tasks.get(failed.task_name)
    if task is None:
        raise ValidationError({"status": [f"No task called {failed.task_name!r} exists any more."]})
    if failed.schema_name and not Council.objects.filter(schema_name=failed.schema_name).exists():
        raise ValidationError({"status": ["Its council no longer exists."]})
    with transaction.atomic():
        failed.status = FailedTask.Status.RETRIED
        failed.handled_by = actor.get_username()
        failed.handled_at = timezone.now()
        _audit(failed, "platform.task_retried", actor)
        failed.save()
    schema = failed.schema_name or get_public_schema_name()

    def send():
        with schema_context(schema):
            result = task.apply_async(args=failed.args, kwargs=failed.kwargs)
        FailedTask.objects.filter(pk=failed.pk).update(retry_task_id=result.id or "")

    transaction.on_commit(send)
    log.info("tasks.retried", task=failed.task_name, failed=failed.pk, council=failed.council_slug)
    return failed


def dismiss_task(failed: FailedTask, actor) -> FailedTask:
    if failed.status != FailedTask.Status.FAILED:
        raise ValidationError(
            {"status": [f"This failure is already {failed.get_status_display().lower()}."]}
        )
    with transaction.atomic():
        failed.status = FailedTask.Status.DISMISSED
        failed.handled_by = actor.get_username()
        failed.handled_at = timezone.now()
        _audit(failed, "platform.task_dismissed", actor)
        failed.save()
    log.info(
        "tasks.dismissed", task=failed.task_name, failed=failed.pk, council=failed.council_slug
    )
    return failed
