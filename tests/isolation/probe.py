"""The cross-council isolation probe: the machinery (see ``tests/isolation/__init__.py`` for the
convention apps follow to seed their routes, and ``test_isolation.py`` for the cases).

For every route of both URLconfs and every method it accepts, one *case*:

1. council B's staff (B's domain, superuser of B) send the request with council A's ids and a
   valid body, then with ids that exist nowhere: same status, same body once the ids are
   replaced by placeholders, same redirect target; A's marker never in the answer;
2. an anonymous visitor on B's domain does the same;
3. nothing B sent changed council A's schema (PostgreSQL's per-transaction row counters for
   every table of A's schema, read before and after);
4. control: A's own staff send the same request on A's domain and it succeeds (2xx, or a 3xx
   that is not a sign-in redirect); a write must change A's schema. So the request B sent would
   have done something in the owning council: the comparison means something.

Routes without parameters (lists, searches, add forms) have no "missing" twin: B's answer must
not show A's marker, B's writes must not touch A's schema, and A's control must succeed.
"""

from __future__ import annotations

import html.parser
import importlib
import inspect
import json
import re
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern
from django.utils.module_loading import module_has_submodule

MARKER = "ISOLATION-PROBE-ALPHA-7d1f"
MISSING_INT = 987654321
MISSING_STR = "no-such-object-probe"
MISSING_UUID = str(uuid.UUID(int=12345))

URLCONFS = {"tenant": "platform_core.urls_tenant", "public": "platform_core.urls_public"}
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


class Form:
    """A body harvested from the HTML form that A's own GET of the same URL shows (what a
    browser would submit), with ``overrides`` applied; ``None`` in overrides drops a field."""

    def __init__(self, overrides: dict | Callable | None = None, *, from_path=None):
        self.overrides = overrides or {}
        self.from_path = from_path  # optional callable(world) -> the page that shows the form


FORM = Form()


class Multipart:
    """A multipart body (file uploads): ``Multipart(lambda w: {"file": SimpleUploadedFile(...)})``;
    the factory runs for every request, so each gets a fresh file."""

    def __init__(self, factory: Callable[[Any], dict]):
        self.factory = factory
        self.world = None

    def data(self) -> dict:
        return self.factory(self.world)


@dataclass
class Seed:
    """How to probe one route (or several routes that take the same objects).

    route     URL name(s) (namespaced, e.g. ``"wagtailimages:edit"``) or, where a name is not
              unique or absent, the route's pattern text as Django prints it.
    kwargs    ``lambda w: {...}``: A's URL kwargs, from the objects ``probe_objects`` made.
    path      ``lambda w: "/..."``: A's full path, for regex routes with unnamed groups.
    missing   kwargs (or, with ``path``, a full path) that exist in no council; by default one
              is made per converter (int 987654321, str/slug "no-such-object-probe", uuid).
    body      {method: dict | callable(w) -> dict | FORM | Form(overrides)}: a VALID body.
    methods   the methods to probe, when introspection cannot tell (function views without
              ``require_http_methods`` are probed with GET and POST).
    query     a query string (with no "?"), for A and for the missing twin alike.
    reason    required when nothing in the URL is one of A's objects (the route is compared
              as-is, like a list): say why, e.g. "content type names are the same everywhere".
    control   {method: status}: A's control must answer exactly this (default: any 2xx, or a
              3xx that is not a sign-in redirect). Say why in ``reason``.
    control_writes  False where a successful write legitimately changes no row (e.g. a POST
              that only renders a preview); say why in ``reason``.
    urlconf   "tenant" (a council's domain, default) or "public" (the platform domain).
    xfail     {method: reason}: a known hole, marked xfail(strict=True) until it is fixed.
    unreachable  why no request reaches the route (e.g. shadowed by an earlier pattern); the
              probe checks that its path still resolves elsewhere, and fails once it does not.
    as_json   send the body as JSON (default: only to DRF views), e.g. Wagtail's dismissibles.
    """

    route: str | tuple[str, ...]
    kwargs: Callable[[Any], dict] | None = None
    path: Callable[[Any], str] | None = None
    missing: dict | str | None = None
    body: dict = field(default_factory=dict)
    methods: tuple[str, ...] | None = None
    query: str | Callable[[Any], str] = ""
    reason: str = ""
    control: dict = field(default_factory=dict)
    control_writes: bool = True
    urlconf: str = "tenant"
    xfail: dict = field(default_factory=dict)
    unreachable: str = ""  # why no request can reach the route (asserted: it must stay so)
    as_json: bool | None = None

    @property
    def routes(self) -> tuple[str, ...]:
        return (self.route,) if isinstance(self.route, str) else tuple(self.route)


class World(dict):
    """Council A's objects, by name, made once per probe run: ``w.record`` or ``w["record"]``."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


# --- routes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    urlconf: str  # "tenant" or "public"
    pattern: str  # the full pattern text, as Django prints it
    name: str | None
    template: str | None  # "/path/{kw}/", None when it cannot be formatted (unnamed groups)
    params: tuple[tuple[str, str], ...]  # (kwarg, converter)
    callback: Any = field(compare=False, hash=False, repr=False)
    key: str = ""

    @property
    def methods(self) -> tuple[str, ...]:
        return accepted_methods(self.callback)

    @property
    def is_api(self) -> bool:
        from rest_framework.views import APIView

        cls = getattr(self.callback, "cls", None)
        return isinstance(cls, type) and issubclass(cls, APIView)


_PARAM_RE = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>")
_NAMED_GROUP_RE = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")
_REGEX_LEFTOVER_RE = re.compile(r"[()\[\]\\*+?|]")


def _pattern_text(pattern) -> str:
    text = str(pattern.pattern)
    if isinstance(pattern.pattern, RegexPattern):
        text = text.removeprefix("^").removesuffix("$").replace("\\Z", "")
    return text


def _template(text: str) -> tuple[str | None, dict]:
    params: dict[str, str] = {}
    text = _NAMED_GROUP_RE.sub(lambda m: f"<str:{m.group('name')}>", text)
    text = text.replace("\\.", ".").replace("\\-", "-")
    for m in _PARAM_RE.finditer(text):
        params[m.group("name")] = m.group("conv") or "str"
    template = _PARAM_RE.sub(lambda m: "{" + m.group("name") + "}", text)
    if _REGEX_LEFTOVER_RE.search(template) or "^" in template or "$" in template:
        return None, params
    return "/" + template, params


def all_routes(urlconf: str) -> list[Route]:
    """Every URL pattern of the URLconf, regex ones included, in order."""
    resolver = get_resolver(URLCONFS.get(urlconf, urlconf))
    found: list[tuple[str, str | None, Any]] = []

    def walk(patterns, prefix, namespace):
        for p in patterns:
            text = prefix + _pattern_text(p)
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, text, ns)
            elif isinstance(p, URLPattern):
                found.append((text, f"{namespace}{p.name}" if p.name else None, p.callback))

    walk(resolver.url_patterns, "", "")
    names = Counter(name for _, name, _ in found)
    routes, seen = [], set()
    for text, name, callback in found:
        if (text, name) in seen:  # the same pattern included twice (Wagtail's serve fallback)
            continue
        seen.add((text, name))
        template, params = _template(text)
        key = name if name and names[name] == 1 else text
        routes.append(
            Route(urlconf, text, name, template, tuple(params.items()), callback, key=key)
        )
    return routes


def accepted_methods(callback) -> tuple[str, ...]:
    """The methods a view answers: a DRF viewset's actions, a class-based view's handlers, a
    function view's ``require_http_methods`` list; other function views GET and POST (the two
    methods a function view tells apart; anything else takes the GET branch)."""
    actions = getattr(callback, "actions", None)
    if actions:
        return _ordered(m.upper() for m in actions)
    cls = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if isinstance(cls, type):
        from django.views.generic.edit import ProcessFormView

        names = getattr(cls, "http_method_names", ["get", "post", "put", "patch", "delete"])
        return _ordered(
            m.upper()
            for m in names
            if hasattr(cls, m)
            and m not in ("head", "options")
            # Django's form views answer PUT with their POST handler, which never sees a PUT
            # body (request.POST is empty): the same code as POST, probed as POST.
            and not (m == "put" and getattr(cls, "put", None) is ProcessFormView.put)
        )
    func = innermost = callback
    while func is not None:
        code = getattr(func, "__code__", None)
        if code and "request_method_list" in code.co_freevars and func.__closure__:
            cell = func.__closure__[code.co_freevars.index("request_method_list")]
            return _ordered(m.upper() for m in cell.cell_contents if m.upper() != "HEAD")
        innermost = func
        func = getattr(func, "__wrapped__", None)
    try:
        source = inspect.getsource(innermost)
    except (OSError, TypeError):
        return ("GET", "POST")
    if "POST" not in source and "request.method" not in source:
        return ("GET",)  # never looks at the method: POST would run the GET code again
    return ("GET", "POST")


def _ordered(methods) -> tuple[str, ...]:
    methods = set(methods)
    return tuple(m for m in ALL_METHODS if m in methods)


# --- seeds -------------------------------------------------------------------------------------


def seed_modules() -> list:
    """``<app>.tests.isolation`` of every app of this project (not third-party apps)."""
    modules = []
    root = str(settings.BASE_DIR)
    for app_config in apps.get_app_configs():
        if not app_config.path.startswith(root) or "site-packages" in app_config.path:
            continue
        try:
            tests_pkg = importlib.import_module(f"{app_config.name}.tests")
        except ImportError:
            continue
        if module_has_submodule(tests_pkg, "isolation"):
            modules.append(importlib.import_module(f"{app_config.name}.tests.isolation"))
    return modules


def registry() -> dict[tuple[str, str], Seed]:
    """(urlconf, route key) -> Seed, from every app's ``probe_seeds()``. A key seeded twice is an
    error (two apps disagreeing about one route)."""
    seeds: dict[tuple[str, str], Seed] = {}
    for module in seed_modules():
        for seed in getattr(module, "probe_seeds", list)():
            for key in seed.routes:
                if (seed.urlconf, key) in seeds:
                    raise AssertionError(f"route {key!r} seeded twice ({module.__name__})")
                seeds[(seed.urlconf, key)] = seed
    return seeds


def make_world(council) -> World:
    """Runs in council A's schema: every app's ``probe_objects(world)`` adds A's objects."""
    world = World(council=council)
    for module in seed_modules():
        make = getattr(module, "probe_objects", None)
        if make:
            make(world)
    return world


@dataclass
class Case:
    route: Route
    method: str
    seed: Seed | None

    @property
    def id(self) -> str:
        return f"{self.route.urlconf}:{self.method}:{self.route.key}"


def all_cases() -> list[Case]:
    seeds = registry()
    cases = []
    for urlconf in URLCONFS:
        for route in all_routes(urlconf):
            seed = seeds.get((urlconf, route.key)) or (
                seeds.get((urlconf, route.pattern)) if route.name else None
            )
            methods = seed.methods if seed and seed.methods else route.methods
            for method in methods:
                cases.append(Case(route, method, seed))
    return cases


def unused_seeds() -> list[str]:
    """Seeds naming a route that no longer exists: stale entries must go."""
    keys = set()
    for urlconf in URLCONFS:
        for route in all_routes(urlconf):
            keys.add((urlconf, route.key))
            keys.add((urlconf, route.pattern))
    return sorted(f"{u}:{k}" for (u, k) in registry() if (u, k) not in keys)


# --- running a case ----------------------------------------------------------------------------


class ProbeFailure(AssertionError):
    pass


def schema_writes(schema: str) -> int:
    """Rows inserted, updated and deleted in ``schema`` so far in this transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0)"
            " FROM pg_stat_xact_user_tables WHERE schemaname = %s",
            [schema],
        )
        return int(cursor.fetchone()[0])


def _call(value, world):
    return value(world) if callable(value) else value


def _missing_value(conv: str, value) -> Any:
    if conv == "int" or str(value).isdigit():
        return MISSING_INT
    if conv == "uuid":
        return MISSING_UUID
    if conv == "path":
        return f"{MISSING_STR}/{MISSING_STR}"
    return MISSING_STR


def _route_text(text: str) -> str:
    return text.replace("^", "").replace("$", "").replace("\\Z", "")


def _resolves_to(route: Route, path: str) -> bool:
    """The filled-in path reaches this route, not an earlier or catch-all one."""
    try:
        match = get_resolver(URLCONFS.get(route.urlconf, route.urlconf)).resolve(path.split("?")[0])
    except Resolver404:
        return False
    return _route_text(match.route) == _route_text(route.pattern)


@dataclass
class Paths:
    a: str
    missing: str | None  # None: the route names none of A's objects
    replacements: list[tuple[bytes, bytes]]


def paths_for(case: Case, world: World) -> Paths:
    route, seed = case.route, case.seed
    query = _call(seed.query, world) if seed else ""
    suffix = f"?{query}" if query else ""
    if seed and seed.path:
        a = _call(seed.path, world)
        missing = seed.missing if isinstance(seed.missing, str) else None
        if missing is None and not seed.reason:
            raise ProbeFailure(f"{case.id}: a seed with `path` must give `missing` (a full path)")
        return Paths(a + suffix, missing and missing + suffix, _replacements({}, (a, missing)))
    if not route.params:
        if route.template is None:
            raise ProbeFailure(
                f"{case.id}: a regex route with no named parameters: the seed must give `path`"
            )
        return Paths(route.template + suffix, None, [])
    if seed is None or seed.kwargs is None:
        raise ProbeFailure(
            f"{case.id}: route {route.pattern!r} takes {dict(route.params)} and no app seeds it; "
            "add a Seed to <app>/tests/isolation.py (see tests/isolation/__init__.py)"
        )
    if route.template is None:
        raise ProbeFailure(
            f"{case.id}: cannot fill in {route.pattern!r}: the seed must give `path`"
        )
    kwargs_a = _call(seed.kwargs, world)
    if set(kwargs_a) != {name for name, _ in route.params}:
        raise ProbeFailure(f"{case.id}: seed kwargs {sorted(kwargs_a)} != {dict(route.params)}")
    a = route.template.format(**kwargs_a) + suffix
    if seed.reason and seed.missing is None:
        return Paths(a, None, [])  # nothing in the URL is A's: compared as-is
    conv = dict(route.params)
    given = seed.missing if isinstance(seed.missing, dict) else {}
    kwargs_missing = {
        name: given.get(name, _missing_value(conv[name], value)) for name, value in kwargs_a.items()
    }
    missing = route.template.format(**kwargs_missing) + suffix
    pairs = {name: (kwargs_a[name], kwargs_missing[name]) for name in kwargs_a}
    return Paths(a, missing, _replacements(pairs, (a, missing)))


def _replacements(pairs: dict, paths: tuple = ()) -> list[tuple[bytes, bytes]]:
    """Byte strings to blank out before comparing two answers: the two paths (raw and
    %-quoted), then each id (A's and the missing one) of four characters or more."""
    from urllib.parse import quote

    out = []
    for path in paths:
        if path:
            bare = path.split("?")[0]
            # The path as the request gave it, query included (a sign-in redirect's ``next``
            # echoes it), then the bare path.
            forms = {bare, quote(bare), quote(bare, safe=""), quote(path), quote(path, safe="")}
            for form in forms:
                out.append((form.encode(), b"{path}"))
    for values in pairs.values():
        for value in values:
            text = str(value) if value is not None else ""
            if len(text) >= 4:  # short values (a version number 1) would mangle other text
                out.append((text.encode(), b"{id}"))
                quoted = quote(text, safe="").encode()
                if quoted != text.encode():
                    out.append((quoted, b"{id}"))
    out.sort(key=lambda pair: -len(pair[0]))
    return out


_VOLATILE = [
    (re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"'), b'name="csrfmiddlewaretoken"'),
    (re.compile(rb'"csrfToken": ?"[^"]*"'), b'"csrfToken"'),
    (re.compile(rb"csrftoken=[^;\s\"]*"), b"csrftoken"),
    (re.compile(rb'data-w-session-[a-z-]+="[^"]*"'), b"data-w-session"),
]


def normalise(body: bytes, replacements) -> bytes:
    for value, placeholder in replacements:
        body = body.replace(value, placeholder)
    for pattern, repl in _VOLATILE:
        body = pattern.sub(repl, body)
    return body


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def send(client, method: str, path: str, body, as_json: bool):
    extra = {}
    if method == "GET" or method == "HEAD":
        return getattr(client, method.lower())(path, **extra)
    if body is None:
        body = {}
    if isinstance(body, Multipart):
        return client.generic(method, path, **_multipart(body.data()))
    if as_json:
        return client.generic(method, path, json.dumps(body), content_type="application/json")
    if method == "POST":
        return client.post(path, body)
    from urllib.parse import urlencode

    return client.generic(
        method, path, urlencode(body, doseq=True), content_type="application/x-www-form-urlencoded"
    )


def _multipart(data: dict) -> dict:
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return {"data": encode_multipart(BOUNDARY, data), "content_type": MULTIPART_CONTENT}


class _FormParser(html.parser.HTMLParser):
    """The fields of every <form> on a page, as a browser would submit them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": [],
                "id": a.get("id"),
            }
            self.forms.append(self._form)
        if self._form is None and "form" not in a:
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            form["fields"].append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name and "disabled" not in a:
            self._select = {"name": name, "multiple": "multiple" in a, "chosen": [], "first": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea = [name, ""]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            s = self._select
            values = s["chosen"] or ([] if s["multiple"] or s["first"] is None else [s["first"]])
            self._form["fields"].extend((s["name"], v) for v in values)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append(tuple(self._textarea))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def harvest_form(html_text: str, path: str) -> dict:
    """The POST form of the page whose action is ``path`` (or empty): field -> value(s)."""
    parser = _FormParser()
    parser.feed(html_text)
    bare = path.split("?")[0]
    candidates = [
        f
        for f in parser.forms
        if f["method"] == "post" and (f["action"].split("?")[0] in ("", bare, "."))
    ]
    if not candidates:
        return {}
    data: dict[str, Any] = {}
    for name, value in max(candidates, key=lambda f: len(f["fields"]))["fields"]:
        if name in data:
            data[name] = (data[name] if isinstance(data[name], list) else [data[name]]) + [value]
        else:
            data[name] = value
    return data


@dataclass
class Outcome:
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def is_success(response) -> bool:
    if 200 <= response.status_code < 300:
        return True
    if response.status_code in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        return "login" not in location
    return False


def run_case(
    case: Case, world: World, owner, attackers, schema_a: str, owner_schema: str | None = None
) -> Outcome:
    """Run one case; return what went wrong (an empty list: nobody learnt anything about A).

    ``owner`` is the client whose control request must succeed (A's staff on A's domain, or
    platform staff on the platform domain); ``attackers`` is [(who, client)]."""
    out = Outcome()
    route, method, seed = case.route, case.method, case.seed
    if seed and seed.unreachable:
        path = _call(seed.path, world) if seed.path else route.template
        if _resolves_to(route, path):
            raise ProbeFailure(
                f"{case.id}: listed as unreachable ({seed.unreachable}) but {path} now reaches "
                "it: seed it properly"
            )
        return out
    paths = paths_for(case, world)
    for path in (paths.a, paths.missing):
        if path is not None and not _resolves_to(route, path):
            raise ProbeFailure(f"{case.id}: {path} does not resolve to {route.pattern!r}")
    as_json = route.is_api if seed is None or seed.as_json is None else seed.as_json
    spec = (seed.body.get(method) if seed else None) if method in WRITE_METHODS else None
    if method in WRITE_METHODS and spec is None:
        raise ProbeFailure(
            f"{case.id}: no valid {method} body seeded for {route.pattern!r} (Seed.body)"
        )
    body = _body(spec, world, owner, paths.a)

    for who, client in attackers:
        before = schema_writes(schema_a)
        response_a = send(client, method, paths.a, body, as_json)
        content_a = body_of(response_a)
        response_missing = content_missing = None
        if paths.missing is not None:
            response_missing = send(client, method, paths.missing, body, as_json)
            content_missing = body_of(response_missing)
        head = []
        if method == "GET" and paths.missing is not None:
            head = [client.head(paths.a).status_code, client.head(paths.missing).status_code]
        after = schema_writes(schema_a)
        label = f"{method} {paths.a} as {who}"
        if after != before:
            out.failures.append(f"{label}: changed {after - before} row(s) in council A's schema")
        deliberate_error = seed is not None and (seed.control.get(method) or 0) >= 500
        if response_a.status_code >= 500 and not deliberate_error:
            out.failures.append(f"{label}: {response_a.status_code}")
        if (
            MARKER.encode() in content_a
            or MARKER.encode() in response_a.get("Location", "").encode()
        ):
            out.failures.append(f"{label}: council A's marker is in the answer")
        if response_missing is not None:
            if response_a.status_code != response_missing.status_code:
                out.failures.append(
                    f"{label}: {response_a.status_code}, but {response_missing.status_code} for "
                    f"an object that exists nowhere ({paths.missing})"
                )
            elif normalise(content_a, paths.replacements) != normalise(
                content_missing, paths.replacements
            ):
                out.failures.append(
                    f"{label}: the body differs from the answer for a missing object:\n"
                    + _diff(
                        normalise(content_a, paths.replacements),
                        normalise(content_missing, paths.replacements),
                    )
                )
            location_a = normalise(response_a.get("Location", "").encode(), paths.replacements)
            location_m = normalise(
                response_missing.get("Location", "").encode(), paths.replacements
            )
            if location_a != location_m:
                out.failures.append(
                    f"{label}: redirects to {location_a!r}, missing to {location_m!r}"
                )
            if head and head[0] != head[1]:
                out.failures.append(f"HEAD {paths.a} as {who}: {head[0]}, missing {head[1]}")

    # Control: the owner (A's own staff on A's domain), same request: it must work.
    # (A's writes may land in the public schema too: publishing to the benchmarking pool.)
    owner_schema = owner_schema or schema_a
    before = schema_writes(owner_schema) + schema_writes("public")
    response = send(owner, method, paths.a, body, as_json)
    after = schema_writes(owner_schema) + schema_writes("public")
    expected = seed.control.get(method) if seed else None
    ok = response.status_code == expected if expected else is_success(response)
    if not ok:
        detail = body_of(response)[:400].decode(errors="replace")
        out.failures.append(
            f"control: {method} {paths.a} as the owner answered {response.status_code} "
            f"{response.get('Location', '')}: the request is not valid in the owning council, so "
            f"B's answer proves nothing. {detail}"
        )
    elif (
        method in WRITE_METHODS
        and after == before
        and (seed is None or seed.control_writes)
        and (expected is None or expected < 400)
    ):
        detail = body_of(response)[:400].decode(errors="replace")
        out.failures.append(
            f"control: {method} {paths.a} as the owner answered {response.status_code} "
            f"{response.get('Location', '')} and changed no row in {owner_schema} (is the body "
            f"valid?) {detail}"
        )
    return out


def _body(spec, world, client_a, path_a):
    if spec is None:
        return None
    if isinstance(spec, Multipart):
        spec.world = world
        return spec
    if isinstance(spec, Form):
        source = _call(spec.from_path, world) if spec.from_path else path_a
        response = client_a.get(source)
        if response.status_code != 200:
            raise ProbeFailure(f"GET {source} for A's form answered {response.status_code}")
        data = harvest_form(body_of(response).decode(), path_a)
        for name, value in _call(spec.overrides, world).items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        return data
    return _call(spec, world)


def _diff(a: bytes, b: bytes) -> str:
    import difflib

    lines = difflib.unified_diff(
        a.decode(errors="replace").splitlines(),
        b.decode(errors="replace").splitlines(),
        "A's id",
        "missing id",
        n=1,
        lineterm="",
    )
    return "\n".join(list(lines)[:30])


def move_ids_beyond_other_councils(start: int = 500_000) -> None:
    """Advance every identity sequence of the current schema to ``start`` or beyond, so that
    objects a seeder then creates in council A have ids no other council has: B asking for
    them must get the missing-object answer. (``setval`` survives the test's rollback, which
    does no harm: ids only need to be unique within a council.)"""
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


# --- clients -----------------------------------------------------------------------------------


def probe_client(council, *, staff=True):
    """A superuser of the council in every group (the strongest account a council can give),
    on its domain;
    with ``staff=False`` an anonymous visitor on that domain."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from django_tenants.utils import schema_context

    client = Client(HTTP_HOST=council.primary_domain, raise_request_exception=False)
    if staff:
        with schema_context(council.schema_name):
            user, _ = get_user_model().objects.get_or_create(
                username=f"probe@{council.slug}.example",
                defaults={
                    "email": f"probe@{council.slug}.example",
                    "is_staff": True,
                    "is_superuser": True,
                },
            )
            user.groups.set(Group.objects.all())  # every role: some checks ask for a group
            client.force_login(user)
    return client


def platform_clients(client_b):
    """On the platform domain: a platform superuser (the owner of what the console and platform
    API show), an anonymous visitor, and council B's staff session cookie (worth nothing there)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    host = settings.PLATFORM_DOMAIN
    operator = Client(HTTP_HOST=host, raise_request_exception=False)
    from rest_framework.authtoken.models import Token

    user, _ = get_user_model().objects.get_or_create(
        username="probe-operator@platform.example",
        defaults={"is_staff": True, "is_superuser": True},
    )
    operator.force_login(user)  # the console (session, with its second factor) ...
    from tenants.tests.consolehelpers import second_factor

    second_factor(operator, user)
    token, _ = Token.objects.get_or_create(user=user)  # ... and the platform API (token only)
    operator.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    anonymous = Client(HTTP_HOST=host, raise_request_exception=False)
    b_cookie = Client(HTTP_HOST=host, raise_request_exception=False)
    b_cookie.cookies = client_b.cookies
    return operator, anonymous, b_cookie
