"""Run schemathesis (coverage, fuzzing and stateful phases) in process against the platform's
WSGI application, inside the test's transaction, and return what failed.

schemathesis sends each request from its own worker threads; every one of them is pointed at the
test's database connection (as Django's live server does), so what the run writes is rolled back
with the test. Requests go through Django's test ``ClientHandler`` with CSRF checks enforced, so
the whole middleware stack runs as in production.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.cache import caches
from django.db import connections
from django.test.client import ClientHandler

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    # Stateful: a deleted object stays gone; a created one can be read back.
    "use_after_free",
    "ensure_resource_availability",
]
# Not here: ignored_auth. Over the WSGI transport schemathesis 4.32.5 cannot send its probe
# (EnvironBuilder.__init__() got an unexpected keyword argument 'max_redirects', for every
# operation); the CLI against a live server runs it (docs/security.md).


class SharedConnectionApp:
    """A WSGI app over Django's test handler that runs on the test's database connection from
    whatever thread calls it (one call at a time)."""

    def __init__(self, host: str):
        # schemathesis' WSGI transport sends "Host: localhost" whatever the base URL says; the
        # host picks the council (or the platform), so it is set here.
        self.host = host
        self.handler = ClientHandler(enforce_csrf_checks=True)
        self.connection = connections["default"]
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        environ["HTTP_HOST"] = environ["SERVER_NAME"] = self.host
        with self.lock:
            if connections["default"] is not self.connection:
                self.connection.inc_thread_sharing()
                connections["default"] = self.connection
            # Rate-limit counters live in the cache: the run sends thousands of requests.
            for alias in ("default",):
                caches[alias].clear()
            response = self.handler(environ)
            # The handler closes a response (request_finished) without closing the test's
            # connection; a streaming one is closed when its iterator is exhausted.
            body = b"".join(response.streaming_content) if response.streaming else response.content
        headers = list(response.items())
        headers += [("Set-Cookie", c.output(header="").strip()) for c in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        return [body]


def sent_body_conforms(case) -> bool:
    """Whether a case that schemathesis made negative in its body only was sent with a body
    the request schema accepts after all: then "schema-violating request accepted" is the
    tool's mistake, not the API's (schemathesis issue #2983: in the stateful phase, values
    from an earlier response fill the negative body back in, and the check still reads the
    case's metadata). Nothing else is excused: a negation in the path, query, headers or
    cookies, or a body the schema refuses, still fails the run."""
    from schemathesis.core import NOT_SET
    from schemathesis.core.jsonschema import make_validator
    from schemathesis.core.parameters import ParameterLocation
    from schemathesis.specs.openapi.checks import _get_openapi_schema

    meta = getattr(case, "meta", None)
    if meta is None or case.body is NOT_SET or not meta.is_negative_at(ParameterLocation.BODY):
        return False
    if any(
        component.mode.is_negative
        for location, component in meta.components.items()
        if location != ParameterLocation.BODY
    ):
        return False
    alternative = case.operation.get_body_for_media_type(case.media_type)
    if alternative is None:
        return False
    validator_cls = _get_openapi_schema(case).adapter.jsonschema_validator_cls
    return make_validator(alternative.optimized_schema, validator_cls).is_valid(case.body)


@dataclass
class Failure:
    operation: str
    title: str
    message: str
    curl: str

    def __str__(self):
        return f"{self.operation}: {self.title}\n    {self.message[:500]}\n    {self.curl[:700]}"


def run(
    raw_schema: dict,
    *,
    base_url: str,
    headers: dict[str, str],
    max_examples: int = 10,
    seed: int = 1,
    phases: tuple[str, ...] = ("coverage", "fuzzing", "stateful"),
    checks: list[str] | None = None,
    max_time: int | None = None,
    operations: str | None = None,
) -> tuple[list[Failure], dict]:
    import schemathesis
    from schemathesis.config import SchemathesisConfig
    from schemathesis.engine import events, from_schema

    checks = checks or CHECKS
    config = SchemathesisConfig.from_dict(
        {
            "seed": seed,
            "base-url": base_url,
            "headers": headers,
            "workers": 1,
            "continue-on-failure": True,
            # No state kept between runs (each CI run starts clean and is deterministic).
            "cache": {"enabled": False},
            **({"max-time": max_time} if max_time else {}),
            "generation": {
                "max-examples": max_examples,
                "deterministic": True,
                "no-shrink": True,
                "database": "none",
            },
            "checks": {
                "enabled": False,
                **{name: {"enabled": True} for name in checks},
            },
            "phases": {
                "examples": {"enabled": "examples" in phases},
                "coverage": {"enabled": "coverage" in phases},
                "fuzzing": {"enabled": "fuzzing" in phases},
                "stateful": {"enabled": "stateful" in phases},
            },
        }
    )
    schema = schemathesis.openapi.from_dict(raw_schema, config=config)
    if operations:  # e.g. "^POST /api/v1/records/holds/" (matched against "METHOD /path")
        schema = schema.include(name_regex=operations)
    schema.app = SharedConnectionApp(urlsplit(base_url).hostname)
    failures: dict[tuple, Failure] = {}
    stats = {"scenarios": 0, "cases": 0, "errors": [], "statuses": {}, "excused": []}
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            stats["scenarios"] += 1
            recorder = event.recorder
            stats["cases"] += len(recorder.cases)
            for interaction in recorder.interactions.values():
                if interaction.response is not None:
                    code = interaction.response.status_code
                    stats["statuses"][code] = stats["statuses"].get(code, 0) + 1
            for case_id, nodes in recorder.checks.items():
                for node in nodes:
                    if node.failure_info is None:
                        continue
                    failure = node.failure_info.failure
                    case = recorder.cases[case_id].value if case_id in recorder.cases else None
                    operation = failure.operation or (case.operation.label if case else "?")
                    if (
                        node.name == "negative_data_rejection"
                        and case is not None
                        and sent_body_conforms(case)
                    ):
                        stats["excused"].append(f"{operation}: negative body sent valid")
                        continue
                    key = (operation, failure.title, type(failure).__name__, node.name)
                    if key not in failures:
                        interaction = recorder.interactions.get(case_id)
                        body, status = b"", None
                        if interaction is not None and interaction.response is not None:
                            body = interaction.response.content[:300]
                            status = interaction.response.status_code
                            headers = dict(interaction.response.headers)
                            status = f"{status} {sorted(headers)}"
                        failures[key] = Failure(
                            operation=operation,
                            title=f"[{node.name}] {failure.title}",
                            message=f"{failure.message}\n    status {status}, body: {body!r}",
                            curl=node.failure_info.code_sample,
                        )
        elif isinstance(event, events.NonFatalError):
            stats["errors"].append(
                f"{event.label}: {event.info.format() if hasattr(event, 'info') else event}"
            )
        elif isinstance(event, events.FatalError):
            raise event.exception
    return list(failures.values()), stats
