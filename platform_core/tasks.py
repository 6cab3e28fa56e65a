from platform_core.celery import app
from platform_core.db import connection


@app.task(name="platform_core.ping")
def ping() -> dict:
    """Worker health check; answers with the schema the task ran in (tenant-schemas-celery
    switches to the schema of whoever enqueued it)."""
    return {"pong": True, "schema": connection.schema_name}


@app.task(name="platform_core.audit_checkpoint_all")
def audit_checkpoint_all() -> dict:
    """Beat entry: sign every council's audit-chain head (platform_core.audit.checkpoints)."""
    from platform_core.audit.checkpoints import checkpoint_all_councils

    return checkpoint_all_councils()
