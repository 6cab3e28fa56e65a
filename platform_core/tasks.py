from platform_core.celery import app
from platform_core.db import connection


@app.task(name="platform_core.ping")
def ping() -> dict:
    """Worker health check; answers with the schema the task ran in (tenant-schemas-celery
    switches to the schema of whoever enqueued it) and the request id its log lines carry
    (the enqueuing request's: platform_core/observability.py)."""
    import structlog

    return {
        "pong": True,
        "schema": connection.schema_name,
        "request_id": structlog.contextvars.get_contextvars().get("request_id"),
    }


@app.task(name="platform_core.audit_checkpoint_all")
def audit_checkpoint_all() -> dict:
    """Beat entry: sign every council's audit-chain head (platform_core.audit.checkpoints)."""
    from platform_core.audit.checkpoints import checkpoint_all_councils

    return checkpoint_all_councils()


@app.task(name="platform_core.catch_up")
def catch_up() -> list[str]:
    """Beat entry: run the jobs whose schedule fired during an outage (platform_core.schedules)."""
    from platform_core.schedules import catch_up as run

    return run()


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """``task.delay(*args, **kwargs)`` after the current transaction commits, in the council
    that is current now. The commit is the success: an enqueue that fails (the broker is down)
    is logged, never raised to the user. Use it only for work that another path redoes (a beat
    job, a catch-up); work that must follow a commit goes in the outbox (platform_core.events)."""
    import logging

    from django.db import transaction
    from django_tenants.utils import schema_context

    schema = connection.schema_name

    def enqueue():
        try:
            with schema_context(schema):
                task.apply_async(args=args, kwargs=kwargs)
        except Exception:
            logging.getLogger(__name__).exception(
                "tasks: could not enqueue %s for %s after the commit", task.name, schema
            )

    transaction.on_commit(enqueue)
