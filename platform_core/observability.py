"""Logs, errors and traces: one JSON log format, Sentry tagged with the council.

Logging: every line, from structlog or from the standard library (Django, Celery, gunicorn,
boto...), leaves through one handler and one formatter (``structlog.stdlib.ProcessorFormatter``
in ``LOGGING``, built by ``logging_config``) as one JSON object with at least ``timestamp``,
``level``, ``logger``, ``event``, ``request_id`` and ``council`` (``null`` outside a request or
task, or on the platform's own domain). ``LOG_FORMAT=console`` prints the same fields for a
person (the default with ``DEBUG``).

Request id: ``X-Request-ID`` from the client or the load balancer is kept when it is a
plausible id (1–128 of ``A-Z a-z 0-9 . _ : -``), otherwise one is made; it is bound to every log
line of the request, answered in the response header, and carried to the Celery tasks the
request enqueues (a message header), whose log lines carry it too.

Sentry (``SENTRY_DSN``): environment (``SENTRY_ENVIRONMENT``), release (``SENTRY_RELEASE``),
traces sample rate (``SENTRY_TRACES_SAMPLE_RATE``, 0 to 1) from the environment; every event and
transaction is tagged with the council (and the request id) of the request or task.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import structlog

REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def _council_from_connection() -> str | None:
    """The council whose schema the current thread is in (no query), or None."""
    try:
        from django.db import connection

        tenant = getattr(connection, "tenant", None)
        schema = getattr(connection, "schema_name", None)
    except Exception:  # noqa: BLE001 - before Django is set up (gunicorn's master)
        return None
    if not schema or schema == "public":
        return None
    if tenant is not None and getattr(tenant, "schema_name", None) == schema:
        slug = getattr(tenant, "slug", None)  # a schema_context's stand-in tenant has none
        if slug:
            return slug
    return schema.removeprefix("c_")


def add_context(logger, method_name, event_dict: dict[str, Any]) -> dict[str, Any]:
    """Every line names its request and council (``None`` when there is none)."""
    event_dict.setdefault("request_id", None)
    if event_dict.get("council") is None:
        event_dict["council"] = _council_from_connection()
    return event_dict


def _pre_chain() -> list:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_context,
    ]


def formatter(fmt: str = "json") -> dict:
    """The dictConfig entry of the one formatter every handler uses."""
    renderer = (
        structlog.dev.ConsoleRenderer(colors=False)
        if fmt == "console"
        else structlog.processors.JSONRenderer()
    )
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "foreign_pre_chain": _pre_chain(),
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    }


def logging_config(level: str = "INFO", fmt: str = "json", stream: str = "ext://sys.stdout"):
    """``LOGGING``: one stdout handler, one formatter, for every logger."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"platform": formatter(fmt)},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "platform",
                "stream": stream,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "wagtail": {"level": "WARNING"},
            "django_tasks": {"level": "WARNING"},
            "modelsearch": {"level": "WARNING"},
            # Requests are logged once, by RequestContextMiddleware, with their context.
            "gunicorn.access": {"level": "WARNING", "propagate": True},
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
        },
    }


def configure() -> None:
    from django.conf import settings

    structlog.configure(
        processors=[*_pre_chain(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    # Python's warnings go through logging too (logger "py.warnings"), not raw to stderr.
    logging.captureWarnings(True)
    connect_celery_signals()
    if settings.SENTRY_DSN:
        init_sentry(settings.SENTRY_DSN)


def sentry_options() -> dict[str, Any]:
    from django.conf import settings

    return {
        "environment": settings.SENTRY_ENVIRONMENT,
        "release": settings.SENTRY_RELEASE or None,
        "traces_sample_rate": float(settings.SENTRY_TRACES_SAMPLE_RATE),
        "send_default_pii": False,
        "before_send": tag_event,
        "before_send_transaction": tag_event,
    }


def init_sentry(dsn: str, **overrides: Any) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
        **{**sentry_options(), **overrides},
    )


def tag_event(event: dict, hint: dict | None = None) -> dict:
    """Tag every event and transaction with the council and request id of its request/task."""
    context = structlog.contextvars.get_contextvars()
    tags = event.setdefault("tags", {})
    council = context.get("council") or _council_from_connection()
    tags.setdefault("council", council or "platform")
    if context.get("request_id"):
        tags.setdefault("request_id", context["request_id"])
    return event


def bind_request(request_id: str | None, council: str | None) -> str:
    """Start a request's (or task's) log context; returns the request id used."""
    if not request_id or not REQUEST_ID_RE.match(request_id):
        import uuid

        request_id = uuid.uuid4().hex
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=request_id, council=council)
    import sentry_sdk

    sentry_sdk.set_tag("council", council or "platform")
    sentry_sdk.set_tag("request_id", request_id)
    return request_id


# --- Celery: the request id travels with the task; each task logs its council --------------------


def connect_celery_signals() -> None:
    from celery import signals

    from platform_core import metrics

    signals.before_task_publish.connect(_carry_request_id, weak=False, dispatch_uid="log-carry")
    signals.task_prerun.connect(_task_context, weak=False, dispatch_uid="log-task-context")
    signals.task_postrun.connect(_task_done, weak=False, dispatch_uid="log-task-done")
    metrics.connect_celery_signals()


def _carry_request_id(headers=None, **kwargs):
    if headers is not None:
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        if request_id:
            headers.setdefault("request_id", request_id)


def _task_context(task_id=None, task=None, **kwargs):
    request_id = getattr(getattr(task, "request", None), "request_id", None) or task_id
    previous = structlog.contextvars.get_contextvars()
    if getattr(getattr(task, "request", None), "is_eager", False) and previous.get("request_id"):
        # Run in-process (no broker): keep the caller's context, add the task.
        structlog.contextvars.bind_contextvars(task=getattr(task, "name", None))
        return
    bind_request(request_id, _council_from_connection())
    structlog.contextvars.bind_contextvars(task=getattr(task, "name", None), task_id=task_id)


def _task_done(task=None, **kwargs):
    if getattr(getattr(task, "request", None), "is_eager", False):
        structlog.contextvars.unbind_contextvars("task")
        return
    structlog.contextvars.clear_contextvars()
