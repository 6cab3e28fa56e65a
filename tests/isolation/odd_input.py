"""Odd input and the wrong people, on the screens and APIs added with markets, commissions,
ledgers, funding and participation, 360Giving, records search, master data and subject access,
provider webhooks and the console (export, restore, delete, failed tasks, platform webhooks).

The probe's cases (tests/isolation/probe.py) for those routes, with council A's objects and the
valid bodies their seeds give, are sent again by A's own staff with one thing wrong at a time:

- every path parameter in turn: a backslash (%5C), a NUL (%00), a 10,000-character value, a
  dotted path, a word where a number is expected;
- every query parameter the view reads (found in its module's source) and the usual ones: a
  backslash with quotes and angle brackets, 10,000 characters, a negative number, a NUL;
- every field of the valid body in turn: 10,000 characters and, to the JSON APIs, a value of
  each wrong JSON type (list, object, number, boolean, null);
- every method the route does not accept.

None may be a 500; a NUL is the request layer's 400; a JSON API's 400 for a wrong field names
it. Then a resident (a signed-in account of A with no role) and a provider account of A (of
another organisation than the one A's objects belong to) send A's own requests: wherever an
anonymous visitor is refused, they are refused too (401/403/404, or the sign-in page) and
change nothing in A's schema; a provider account sees only its own organisation's webhooks.
"""

from __future__ import annotations

import copy
import inspect
import json
import re
import sys
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django_tenants.utils import schema_context

from tests.isolation import probe
from tests.isolation.probe import MARKER

# The routes under review: the newer areas' screens and APIs.
AREAS = {
    "tenant": (
        "/admin/markets/",
        "/admin/commissioning/",
        "/admin/funding/",
        "/admin/participation/",
        "/admin/masterdata/",
        "/admin/records/",
        "/admin/directory/",
        "/api/v1/markets/",
        "/api/v1/commissioning/",
        "/api/v1/funding/",
        "/api/v1/360giving/",
        "/api/v1/participation/",
        "/api/v1/provider/",
        "/api/v1/records/",
        "/api/v1/masterdata/",
    ),
    "public": ("/console/councils/", "/console/exports/", "/console/tasks/", "/console/webhooks/"),
}
LONG = "x" * 10_000
PATH_VALUES = {
    "backslash": "%5C",
    "nul": "%00",
    "long": LONG,
    "dotted": "..%2F..%2Fetc%2Fpasswd",
    "word": "abc",
}
QUERY_VALUES = {"odd": "%5C%27%22%3Cx%3E", "long": LONG, "negative": "-1", "nul": "%00"}
WRONG_JSON = {"list": [], "object": {"a": 1}, "number": 12345, "boolean": True, "null": None}
COMMON_QUERY = ("q", "p", "page", "page_size", "ordering", "format", "status", "council")
_QUERY_NAME = re.compile(
    r"""(?:GET|query_params)(?:\.get(?:list)?\(\s*|\[\s*)["']([A-Za-z_][\w.-]*)["']"""
)
DENIED = (401, 403, 404, 405)


def _in_areas(case) -> bool:
    template = case.route.template or ""
    return template.startswith(AREAS.get(case.route.urlconf, ()))


def _cases():
    from tests.isolation.pending import PENDING

    return [
        c
        for c in probe.all_cases()
        if _in_areas(c)
        and not (c.seed and c.seed.unreachable)
        and c.id not in PENDING
        and not (c.seed and c.method in c.seed.xfail)
    ]


CASES = _cases()
ROUTES = {(c.route.urlconf, c.route.key): c for c in CASES}  # one case a route


def _ids(cases):
    return [pytest.param(c, id=c.id) for c in cases]


# --- running requests as the owner --------------------------------------------------------------


def _owner(env, case):
    return env.operator if case.route.urlconf == "public" else env.client_a


def _schema(env, case):
    return "public" if case.route.urlconf == "public" else env.council_a.schema_name


@pytest.fixture
def fresh(probe_env):
    """Each request of a case in its own savepoint, with the clients' cookies put back after."""
    env = probe_env
    cache.clear()
    clients = [env.client_a, env.anon_b, env.operator]
    jars = [c.cookies for c in clients]
    for c in clients:
        c.cookies = copy.copy(c.cookies)
    yield env
    connection.set_schema_to_public()
    for c, jar in zip(clients, jars, strict=True):
        c.cookies = jar


def _send(client, method, path, body, as_json):
    """One request in a savepoint rolled back after it: the next starts from the same state."""
    with transaction.atomic():
        response = probe.send(client, method, path, body, as_json)
        probe.body_of(response)  # streamed answers run their generator here
        transaction.set_rollback(True)
    connection.set_schema_to_public()
    return response


def _as_json(case) -> bool:
    seed = case.seed
    return case.route.is_api if seed is None or seed.as_json is None else seed.as_json


def _valid_body(case, env, path):
    if case.method not in probe.WRITE_METHODS:
        return None
    spec = case.seed.body.get(case.method) if case.seed else None
    if spec is None:
        pytest.skip("no valid body seeded (the isolation probe reports it)")
    if isinstance(spec, probe.Form):
        # A's GET of the page shows the form: in a savepoint too, so a run of a thousand cases
        # keeps no locks (PostgreSQL's shared lock table is every session's).
        with transaction.atomic():
            body = probe._body(spec, env.world, _owner(env, case), path)
            transaction.set_rollback(True)
        connection.set_schema_to_public()
        return body
    return probe._body(spec, env.world, _owner(env, case), path)


def _no_500(failures, label, response):
    if response.status_code >= 500:
        detail = probe.body_of(response)[:300].decode(errors="replace")
        failures.append(f"{label}: {response.status_code} {detail}")


# --- odd paths ----------------------------------------------------------------------------------

PATH_CASES = [c for c in CASES if c.route.params and c.route.template and c.seed and c.seed.kwargs]


@pytest.mark.django_db
@pytest.mark.parametrize("case", _ids(PATH_CASES))
def test_odd_path_parameters_are_never_a_500(case, fresh):
    env = fresh
    kwargs = probe._call(case.seed.kwargs, env.world)
    query = probe._call(case.seed.query, env.world) if case.seed.query else ""
    owner = _owner(env, case)
    body = _valid_body(case, env, case.route.template.format(**kwargs))
    failures: list[str] = []
    for name in kwargs:
        for what, value in PATH_VALUES.items():
            odd = {k: (value if k == name else quote(str(v), safe="")) for k, v in kwargs.items()}
            path = case.route.template.format(**odd) + (f"?{query}" if query else "")
            response = _send(owner, case.method, path, body, _as_json(case))
            label = f"{case.method} with {name}={what}"
            _no_500(failures, label, response)
            if what == "nul" and response.status_code != 400:
                failures.append(f"{label}: {response.status_code}, expected the 400 for a NUL")
    assert not failures, "\n".join(failures)


# --- odd query strings --------------------------------------------------------------------------


def _query_names(case) -> list[str]:
    callback = case.route.callback
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    func = cls or callback
    while getattr(func, "__wrapped__", None) is not None:
        func = func.__wrapped__
    module = sys.modules.get(getattr(func, "__module__", ""), None)
    try:
        source = inspect.getsource(module) if module else ""
    except (OSError, TypeError):
        source = ""
    return sorted(set(_QUERY_NAME.findall(source)) | set(COMMON_QUERY))


GET_CASES = [c for c in CASES if c.method == "GET"]


@pytest.mark.django_db
@pytest.mark.parametrize("case", _ids(GET_CASES))
def test_odd_query_parameters_are_never_a_500(case, fresh):
    env = fresh
    paths = probe.paths_for(case, env.world)
    owner = _owner(env, case)
    base, _, given = paths.a.partition("?")
    failures: list[str] = []
    for name in _query_names(case):
        for what, value in QUERY_VALUES.items():
            query = "&".join(p for p in (given, f"{quote(name)}={value}") if p)
            response = _send(owner, "GET", f"{base}?{query}", None, False)
            label = f"GET ?{name}={what}"
            _no_500(failures, label, response)
            if what == "nul" and response.status_code != 400:
                failures.append(f"{label}: {response.status_code}, expected the 400 for a NUL")
    assert not failures, "\n".join(failures)


# --- odd bodies ---------------------------------------------------------------------------------

WRITE_CASES = [
    c
    for c in CASES
    if c.method in probe.WRITE_METHODS
    and c.seed
    and not isinstance(c.seed.body.get(c.method), probe.Multipart)
]


def _mentions(content: bytes, field: str) -> bool:
    text = content.decode(errors="replace")
    return field in text or field.replace("_", " ") in text.lower()


@pytest.mark.django_db
@pytest.mark.parametrize("case", _ids(WRITE_CASES))
def test_odd_bodies_are_refused_naming_the_field_never_a_500(case, fresh):
    env = fresh
    paths = probe.paths_for(case, env.world)
    owner = _owner(env, case)
    body = _valid_body(case, env, paths.a)
    if not isinstance(body, dict) or not body:
        pytest.skip("the valid body has no fields to make odd")
    as_json = _as_json(case)
    failures: list[str] = []
    for field in body:
        variants = {"10,000 characters": LONG}
        if as_json:
            variants.update({f"a JSON {kind}": value for kind, value in WRONG_JSON.items()})
        for what, value in variants.items():
            odd = dict(body, **{field: value})
            response = _send(owner, case.method, paths.a, odd, as_json)
            label = f"{case.method} {paths.a} with {field} = {what}"
            _no_500(failures, label, response)
            content = probe.body_of(response)
            if as_json and response.status_code == 400 and not _mentions(content, field):
                failures.append(f"{label}: a 400 that does not name {field}: {content[:300]!r}")
    assert not failures, "\n".join(failures)


# --- every method -------------------------------------------------------------------------------

OTHER_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@pytest.mark.django_db
@pytest.mark.parametrize("case", _ids(list(ROUTES.values())))
def test_methods_a_route_does_not_take_are_refused_never_a_500(case, fresh):
    env = fresh
    paths = probe.paths_for(case, env.world)
    owner = _owner(env, case)
    accepted = set(case.seed.methods if case.seed and case.seed.methods else case.route.methods)
    failures: list[str] = []
    for method in OTHER_METHODS:
        if method in accepted:
            continue
        response = _send(owner, method, paths.a, {}, _as_json(case))
        _no_500(failures, f"{method} {paths.a}", response)
    assert not failures, "\n".join(failures)


# --- the wrong people -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def people(probe_env, django_db_blocker):
    """In council A: a resident (signed in, no role) and a provider account of another
    organisation than A's objects' (inside the probe's module transaction)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from commissioning.providers.models import Organization, ProviderAccount

    env = probe_env
    made = {}
    with django_db_blocker.unblock(), schema_context(env.council_a.schema_name):
        User = get_user_model()
        resident = User.objects.create_user(
            "resident@odd.example", email="resident@odd.example", password="x" * 24
        )
        provider = User.objects.create_user(
            "provider@odd.example", email="provider@odd.example", password="x" * 24
        )
        other = Organization.objects.create(name="Another provider", description="y")
        ProviderAccount.objects.create(user=provider, organization=other)
        for who, user in (("a resident of A", resident), ("a provider account of A", provider)):
            client = Client(HTTP_HOST=env.council_a.primary_domain, raise_request_exception=False)
            client.force_login(user)
            made[who] = client
    connection.set_schema_to_public()
    return made


def _refused(response) -> bool:
    if response.status_code in DENIED:
        return True
    if response.status_code in (301, 302, 303, 307, 308):
        return "login" in response.get("Location", "") or "sign-in" in response.get("Location", "")
    return False


ROLE_CASES = [c for c in CASES if c.route.urlconf == "tenant"]
PROVIDERS_OWN = {
    "tenant:GET:provider-webhook-list",
    "tenant:POST:provider-webhook-list",
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", _ids(ROLE_CASES))
def test_residents_and_provider_accounts_get_no_more_than_a_visitor(case, fresh, people):
    env = fresh
    paths = probe.paths_for(case, env.world)
    body = _valid_body(case, env, paths.a)
    as_json = _as_json(case)
    schema_a = env.council_a.schema_name
    anonymous = probe.probe_client(env.council_a, staff=False)
    visitor = _send(anonymous, case.method, paths.a, body, as_json)
    failures: list[str] = []
    for who, client in people.items():
        if case.id in PROVIDERS_OWN and who.startswith("a provider"):
            continue  # its own organisation's subscriptions: test_provider_webhooks_* below
        with transaction.atomic():
            before = probe.schema_writes(schema_a)
            response = probe.send(client, case.method, paths.a, body, as_json)
            content = probe.body_of(response)
            after = probe.schema_writes(schema_a)
            transaction.set_rollback(True)
        connection.set_schema_to_public()
        label = f"{case.method} {paths.a} as {who}"
        _no_500(failures, label, response)
        if _refused(visitor) and not _refused(response):
            failures.append(
                f"{label}: {response.status_code} where a visitor is refused "
                f"({visitor.status_code}): {content[:200]!r}"
            )
        if MARKER.encode() in content and MARKER.encode() not in probe.body_of(visitor):
            failures.append(f"{label}: A's marker is in the answer, not in a visitor's")
        if after != before and _refused(visitor):
            failures.append(f"{label}: changed {after - before} row(s) in A's schema")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_provider_webhooks_of_another_organisation_are_a_404_and_never_listed(fresh, people):
    """Provider Y, of council A, with provider X's endpoint id (A's own ids): the same 404 as
    an id that exists nowhere, for every method; X's endpoint is not in Y's list and Y's new
    endpoint belongs to Y."""
    env = fresh
    from platform_core.events.models import WebhookEndpoint

    client = people["a provider account of A"]
    x_id = env.world.provider_webhook.pk
    for method in ("GET", "DELETE", "PUT", "PATCH"):
        mine = _send(client, method, f"/api/v1/provider/webhooks/{x_id}/", {}, True)
        missing = _send(client, method, f"/api/v1/provider/webhooks/{probe.MISSING_INT}/", {}, True)
        assert mine.status_code == missing.status_code, method
        assert mine.status_code in (404, 405), method
        assert MARKER.encode() not in probe.body_of(mine)
    listed = client.get("/api/v1/provider/webhooks/")
    assert listed.status_code == 200
    assert x_id not in [row["id"] for row in listed.json()["results"]]
    with transaction.atomic():
        created = client.post(
            "/api/v1/provider/webhooks/",
            json.dumps(
                {
                    "url": "https://hooks.example.org/y",
                    "event_types": ["commissioning.opportunity.published"],
                }
            ),
            content_type="application/json",
        )
        assert created.status_code == 201, created.content[:300]
        with schema_context(env.council_a.schema_name):
            endpoint = WebhookEndpoint.objects.get(pk=created.json()["id"])
            assert endpoint.organization != env.world.provider_webhook.organization
        transaction.set_rollback(True)
    connection.set_schema_to_public()
