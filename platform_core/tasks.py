from django.db import connection

from platform_core.celery import app


@app.task(name="platform_core.ping")
def ping() -> dict:
    """Worker health check; answers with the schema the task ran in (tenant-schemas-celery
    switches to the schema of whoever enqueued it)."""
    return {"pong": True, "schema": connection.schema_name}
