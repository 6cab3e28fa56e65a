"""The cross-council isolation probe, reusable by every app.

It walks every URL pattern of the council URLconf (``platform_core.urls_tenant``: site, Wagtail
admin, every API) and, signed in as council B's staff on B's domain, asks for council A's objects.
For each pattern with parameters it compares the answer for A's object with the answer for an
object that exists nowhere: they must be the same (status code), never a 5xx, and A's marker text
must never appear in B's response. Patterns without parameters (lists, searches) must not show
A's marker either.

Apps tell the probe about their objects with a module ``<app>/tests/isolation.py`` that defines::

    def seed(council) -> dict[str, dict]:
        '''Runs in council A's schema. Create objects whose text includes MARKER and return
        {url_name: {kwarg: value}} for the URL patterns that name them; the key "*" gives
        defaults by kwarg name ({"*": {"pk": 7}}); "*" may also give "__int__", an id that exists only in A, used for
        integer parameters no seeder named.'''
"""

import importlib
import re
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from django.utils.module_loading import import_string, module_has_submodule

MARKER = "ISOLATION-PROBE-ALPHA-7d1f"
MISSING_INT = 987654321
# GET on these would sign the prober out or change state.
SKIP_NAME_RE = re.compile(r"logout|password_reset|login|error_test")
SKIP_ROUTE_RE = re.compile(r"logout")


@dataclass
class Route:
    path: str  # regex-free template with {name} placeholders
    name: str | None
    params: dict[str, str]  # kwarg -> converter class name


@dataclass
class ProbeReport:
    checked: int = 0
    failures: list[str] = field(default_factory=list)
    unseeded: list[str] = field(default_factory=list)


_PARAM_RE = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>")
_REGEX_GROUP_RE = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def _route_text(pattern) -> str:
    """The pattern as a path template; regex patterns (DRF routers, older apps) are turned into
    ``<str:name>`` placeholders so that their detail routes are probed too."""
    text = str(pattern.pattern)
    if isinstance(pattern.pattern, RegexPattern):
        text = text.lstrip("^").rstrip("$").replace("\\Z", "")
        text = _REGEX_GROUP_RE.sub(lambda m: f"<str:{m.group('name')}>", text)
        text = text.replace("\\.", ".").replace("/?", "/")
    return text


def tenant_routes(urlconf: str | None = None) -> list[Route]:
    resolver = get_resolver(urlconf or settings.ROOT_URLCONF)
    routes: list[Route] = []

    def walk(patterns, prefix, namespace):
        for p in patterns:
            text = prefix + _route_text(p)
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, text, ns)
            elif isinstance(p, URLPattern):
                if "(" in text or "[" in text or "\\" in text:
                    continue  # an unusual regex pattern we cannot fill in; listed nowhere
                params = {}
                for m in _PARAM_RE.finditer(text):
                    params[m.group("name")] = m.group("conv") or "str"
                template = _PARAM_RE.sub(lambda m: "{" + m.group("name") + "}", text)
                routes.append(
                    Route("/" + template, f"{namespace}{p.name}" if p.name else None, params)
                )

    walk(resolver.url_patterns, "", "")
    return routes


def move_ids_beyond_other_councils(start: int = 500_000) -> None:
    """Advance every identity sequence of the current schema to ``start`` or beyond, so that
    objects a seeder then creates in council A have ids no other council has: B asking for
    them must get the missing-object answer. (``setval`` survives the test's rollback, which
    does no harm: ids only need to be unique within a council.)"""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT s.relname FROM pg_class s JOIN pg_namespace sn ON sn.oid = s.relnamespace
               WHERE s.relkind = 'S' AND sn.nspname = current_schema()"""
        )
        for (name,) in cursor.fetchall():
            sequence = connection.ops.quote_name(name)
            cursor.execute(
                f"SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM {sequence})))",  # noqa: S608
                [name, start],
            )


def discover_seeders() -> list:
    seeders = []
    for app_config in apps.get_app_configs():
        if app_config.name not in settings.TENANT_APPS or "site-packages" in app_config.path:
            continue  # only this project's council apps; never import third-party test packages
        tests_module = f"{app_config.name}.tests"
        try:
            tests_pkg = importlib.import_module(tests_module)
        except ImportError:
            continue
        if module_has_submodule(tests_pkg, "isolation"):
            seeders.append(import_string(f"{tests_module}.isolation.seed"))
    return seeders


def _value(conv: str, given, missing: bool, any_int):
    """A's value for a parameter (None when no seeder named it), or a value that exists nowhere.
    Integer parameters nobody named get ``any_int``: an id that exists only in council A."""
    if missing:
        if conv == "int":
            return MISSING_INT
        if conv == "uuid":
            return str(uuid.UUID(int=12345))
        return "no-such-object-probe"
    if given is not None:
        return given
    if conv == "int":
        return any_int
    return None


def probe(client_b, seeds: dict[str, dict], routes: list[Route] | None = None) -> ProbeReport:
    """Request every route as ``client_b`` with A's objects and with missing ones; compare."""
    report = ProbeReport()
    client_b.raise_request_exception = False  # an exception is a 500 to report, not a crash
    defaults = seeds.get("*", {})
    for route in routes or tenant_routes():
        if (route.name and SKIP_NAME_RE.search(route.name)) or SKIP_ROUTE_RE.search(route.path):
            continue
        if not route.params:
            response = client_b.get(route.path)
            report.checked += 1
            if response.status_code >= 500:
                report.failures.append(f"{route.path}: {response.status_code} for B")
            elif MARKER.encode() in _body(response):
                report.failures.append(f"{route.path}: council A's data shown to council B")
            continue
        named = seeds.get(route.name or "", {})
        values_a, values_missing = {}, {}
        for name, conv in route.params.items():
            given = named.get(name, defaults.get(name))
            values_a[name] = _value(conv, given, missing=False, any_int=defaults.get("__int__"))
            numeric = str(values_a[name]).isdigit()
            values_missing[name] = (
                MISSING_INT if numeric else _value(conv, given, missing=True, any_int=None)
            )
        if any(v is None for v in values_a.values()):
            report.unseeded.append(f"{route.name or '-'} {route.path}")
            continue
        path_a = route.path.format(**values_a)
        path_missing = route.path.format(**values_missing)
        response_a = client_b.get(path_a)
        response_missing = client_b.get(path_missing)
        report.checked += 1
        if response_a.status_code >= 500:
            report.failures.append(
                f"{path_a}: {response_a.status_code} for B asking for A's object"
            )
        elif response_a.status_code != response_missing.status_code:
            report.failures.append(
                f"{path_a}: B asking for A's object got {response_a.status_code}, "
                f"a missing object gets {response_missing.status_code}"
            )
        elif MARKER.encode() in _body(response_a):
            report.failures.append(f"{path_a}: council A's data shown to council B")
    return report


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content
