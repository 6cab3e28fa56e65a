"""The probe's shared fixture: council A's objects (every app's ``probe_objects``), made once
per test module, and the clients that ask for them (test_isolation.py, test_odd_input_*.py)."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django_tenants.utils import schema_context

from tests.isolation import probe


class Env:
    pass


@pytest.fixture(scope="module")
def probe_env(django_db_setup, django_db_blocker):
    """Council A's objects, made once for the module inside a transaction rolled back at the
    end; each case runs in a savepoint rolled back after it (so a control DELETE by A does not
    take the object away from the next case)."""
    from conftest import COUNCIL_A, COUNCIL_B
    from tenants.models import Council

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            env = Env()
            env.council_a = Council.objects.get(slug=COUNCIL_A["slug"])
            env.council_b = Council.objects.get(slug=COUNCIL_B["slug"])
            env.client_a = probe.probe_client(env.council_a)
            env.client_b = probe.probe_client(env.council_b)
            env.anon_b = probe.probe_client(env.council_b, staff=False)
            env.operator, env.anon_platform, env.b_on_platform = probe.platform_clients(
                env.client_b
            )
            with schema_context(env.council_a.schema_name):
                probe.move_ids_beyond_other_councils()
                env.world = probe.make_world(env.council_a)
            connection.set_schema_to_public()
            yield env
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            connection.set_schema_to_public()
            cache.clear()
