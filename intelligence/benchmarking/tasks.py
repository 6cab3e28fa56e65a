"""Pool tasks: the nearest-neighbour recompute after context data changes (catalogue or context
values), so that no council's request or publication waits for it. Publication itself is the
warehouse's (intelligence.warehouse.tasks): the council side builds it and hands it over."""

from platform_core.celery import app


@app.task(name="intelligence.benchmarking.tasks.recompute_nearest_neighbours")
def recompute_nearest_neighbours() -> int:
    """Idempotent: recomputes every member's neighbours from the current context data."""
    from django_tenants.utils import get_public_schema_name, schema_context

    from .actions import compute_nearest_neighbours

    with schema_context(get_public_schema_name()):
        return compute_nearest_neighbours()
