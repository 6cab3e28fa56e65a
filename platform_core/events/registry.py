"""The event catalogue (versioned JSON Schemas in ``schemas/``) and the internal handlers.

A schema file is ``schemas/<type>.v<version>.json``: a JSON Schema (draft 2020-12) of the
event's ``data``, with ``description`` and ``x-subject`` (how the subject is formed). Events are
emitted with the newest version of their type; its ``$id`` is the event's ``dataschema``.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
_FILE_RE = re.compile(
    r"^(?P<type>[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)\.v(?P<version>[1-9][0-9]*)\.json$"
)


@dataclass(frozen=True)
class EventType:
    type: str
    version: int
    schema: dict = field(repr=False)

    @property
    def dataschema(self) -> str:
        return self.schema["$id"]

    @property
    def description(self) -> str:
        return self.schema.get("description", "")

    @property
    def audience(self) -> str:
        """Who besides the council may subscribe: "" (nobody), "providers" (every provider
        account) or "organization" (the provider organisation named by ``data.organization``)."""
        return self.schema.get("x-audience", "")

    @property
    def scope(self) -> str:
        """Either "council" (emitted in a council's schema, ``emit``) or "platform" (emitted in the
        public schema about one council, ``emit_platform``; ``x-scope`` in the schema)."""
        return self.schema.get("x-scope", "council")

    def as_dict(self) -> dict:
        return {
            "type": self.type,
            "scope": self.scope,
            "version": self.version,
            "description": self.description,
            "subject": self.schema.get("x-subject", ""),
            "audience": self.audience,
            "dataschema": self.dataschema,
            "schema": self.schema,
        }


@cache
def _load() -> dict[str, list[EventType]]:
    found: dict[str, list[EventType]] = {}
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        match = _FILE_RE.match(path.name)
        if not match:
            raise ImproperlyConfigured(f"Event schema file name not <type>.v<N>.json: {path.name}")
        schema = json.loads(path.read_text())
        if not schema.get("$id") or not schema.get("description"):
            raise ImproperlyConfigured(f"Event schema {path.name} needs $id and description")
        if schema.get("x-scope", "council") not in ("council", "platform"):
            raise ImproperlyConfigured(f"Event schema {path.name}: x-scope is council or platform")
        if schema.get("x-scope") == "platform" and schema.get("x-audience"):
            raise ImproperlyConfigured(
                f"Event schema {path.name}: platform events have no audience"
            )
        found.setdefault(match["type"], []).append(
            EventType(match["type"], int(match["version"]), schema)
        )
    for versions in found.values():
        versions.sort(key=lambda t: t.version)
    return found


def catalogue() -> list[EventType]:
    """Every version of every event type, by type then version."""
    return [t for name in sorted(_load()) for t in _load()[name]]


def event_type(name: str, version: int | None = None) -> EventType:
    """The newest (or the given) version of an event type; LookupError if it is not catalogued."""
    versions = _load().get(name)
    if not versions:
        raise LookupError(
            f"Event type {name!r} is not in the catalogue (platform_core/events/schemas)"
        )
    if version is None:
        return versions[-1]
    for t in versions:
        if t.version == version:
            return t
    raise LookupError(f"Event type {name!r} has no version {version}")


Handler = Callable[[dict], None]
_handlers: dict[str, dict[str, Handler]] = {}


def handler(type_name: str) -> Callable[[Handler], Handler]:
    """Register an internal handler for an event type. It receives the CloudEvent (a dict), runs
    in the event's council schema inside a savepoint, and must be idempotent: the relay records
    it as done (unique per handler and event id) only when it returns, so after a crash it may
    run again. Raising makes the relay retry the event with backoff, then dead-letter it."""

    def register(func: Handler) -> Handler:
        event_type(type_name)  # refuse handlers for uncatalogued types at import time
        name = f"{func.__module__}.{func.__qualname__}"
        _handlers.setdefault(type_name, {})[name] = func
        return func

    return register


def handlers_for(type_name: str) -> dict[str, Handler]:
    return dict(_handlers.get(type_name, {}))
