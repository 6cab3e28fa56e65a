"""The isolation probe: one case per route of both URLconfs and per method the route accepts.

A case fails when council B's staff or an anonymous visitor learn anything about council A's
object (status, body, redirect, A's marker), when B's request changes a row of A's schema, when
the route names objects no app seeds, or when A's own staff cannot make the same request succeed
(then the comparison would prove nothing). See tests/isolation/__init__.py for how apps seed.
"""

import copy

import pytest
from django.core.cache import cache
from django.db import connection

from tests.isolation import probe
from tests.isolation.pending import PENDING

CASES = probe.all_cases()


def _param(case):
    marks = []
    if case.seed and case.method in case.seed.xfail:
        marks.append(pytest.mark.xfail(strict=True, reason=case.seed.xfail[case.method]))
    elif case.id in PENDING:
        marks.append(pytest.mark.xfail(strict=True, reason=PENDING[case.id]))
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.django_db  # each case in a savepoint inside the module's transaction, rolled back
@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_route(case, probe_env):
    env = probe_env
    if case.route.urlconf == "public":
        owner, owner_schema = env.operator, "public"
        attackers = [
            ("an anonymous visitor", env.anon_platform),
            ("council B's staff (B's session cookie)", env.b_on_platform),
        ]
    else:
        owner, owner_schema = env.client_a, env.council_a.schema_name
        attackers = [("council B's staff", env.client_b), ("an anonymous visitor", env.anon_b)]
    # Sign-outs and password changes replace a client's cookie: restore them after the case
    # (the savepoint restores the session rows).
    cache.clear()  # throttle counters and cached pages from earlier cases
    clients = [owner] + [client for _, client in attackers]
    cookies = [client.cookies for client in clients]
    for client in clients:
        client.cookies = copy.copy(client.cookies)
    try:
        outcome = probe.run_case(
            case, env.world, owner, attackers, env.council_a.schema_name, owner_schema
        )
    finally:
        connection.set_schema_to_public()
        for client, jar in zip(clients, cookies, strict=True):
            client.cookies = jar
    assert not outcome.failures, "\n".join(outcome.failures)


def test_probe_walks_every_route_of_both_urlconfs():
    keys = {(c.route.urlconf, c.route.key) for c in CASES}
    assert ("tenant", "wagtailadmin_pages:edit") in keys
    assert ("tenant", "wagtaildocs_serve") in keys  # a regex route with unnamed groups
    assert any(c.route.urlconf == "public" for c in CASES)
    assert {c.method for c in CASES} >= {"GET", "POST", "PUT", "PATCH", "DELETE"}


def test_no_seed_names_a_route_that_does_not_exist():
    assert probe.unused_seeds() == []


@pytest.mark.django_db
def test_council_b_session_is_not_valid_on_council_a_domain(client_b, council_a):
    response = client_b.get("/api/v1/me/", HTTP_HOST=council_a.primary_domain)
    assert response.status_code in (401, 403)
    response = client_b.get("/admin/", HTTP_HOST=council_a.primary_domain)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_pending_names_only_existing_cases():
    """A pending entry whose case no longer exists (route gone, method dropped) must go."""
    assert sorted(set(PENDING) - {c.id for c in CASES}) == []
