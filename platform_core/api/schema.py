"""OpenAPI hooks (drf-spectacular): the documents say what the APIs really do.

- ``exclude_internal_endpoints`` (preprocessing): Wagtail's admin API (/admin/api/...) is the
  admin's private plumbing, not part of the council's API, and the schema views describe
  nothing.
- ``exclude_switched_off_features`` (preprocessing): a council's document (its /api/schema/,
  generated per request in its schema) leaves out the endpoints of the optional features that
  are off for that council (``platform_core.features``): those answer 404, so the document
  must not promise them. The platform domain's document and ``manage.py spectacular`` (no
  council) describe every endpoint.
- ``document_the_platform`` (postprocessing): every operation lists its error responses with
  the one envelope (``ErrorResponse``), and a ``default`` response of that shape; operations are
  tagged by resource ("records: holds") and carry a description. operationIds are
  drf-spectacular's, read from the path after ``SCHEMA_PATH_PREFIX`` ("records_holds_release_create").
"""

import re

ERROR_SCHEMA = {
    "type": "object",
    "description": 'Every error: {"error": {"code", "message", "fields"}}.',
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "description": "machine-readable, e.g. invalid"},
                "message": {"type": "string", "description": "for a person"},
                "fields": {
                    "type": "object",
                    "description": "messages per request field or parameter",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input: the fields say which and why.",
    "401": "Not signed in, or an unknown or revoked credential.",
    "403": "Signed in without the role this needs.",
    "404": "No such object here (another council's is the same as a missing one).",
    "405": "Method not allowed.",
    "406": "The format asked for is not available.",
    "409": "Refused in the object's current state.",
    "413": "The request body is too large.",
    "415": "Unsupported request media type.",
    "429": "Rate limit exceeded; see Retry-After.",
    "default": "Any other error, in the same envelope.",
}
VERBS = {
    "get": "Read",
    "post": "Create",
    "put": "Replace",
    "patch": "Update",
    "delete": "Delete",
}
PREFIXES = ("/platform/api/v1/", "/api/v1/")


def exclude_internal_endpoints(endpoints, **kwargs):
    return [
        (path, pattern, method, callback)
        for path, pattern, method, callback in endpoints
        if not path.startswith("/admin/") and not path.rstrip("/").endswith("/schema")
    ]


def exclude_switched_off_features(endpoints, **kwargs):
    from django_tenants.utils import get_public_schema_name

    from platform_core import features
    from platform_core.db import connection

    schema = connection.schema_name
    if schema == get_public_schema_name():
        return endpoints
    state = features.states(schema)
    off = tuple(
        prefix
        for feature in features.features()
        if not state.get(feature.key, feature.default)
        for prefix in feature.paths
    )
    if not off:
        return endpoints
    return [endpoint for endpoint in endpoints if not endpoint[0].startswith(off)]


def _resource(path: str) -> tuple[str, list[str]]:
    for prefix in PREFIXES:
        if path.startswith(prefix):
            rest = path[len(prefix) :]
            break
    else:
        rest = path.lstrip("/")
    parts = [p for p in rest.split("/") if p]
    if prefix == "/platform/api/v1/":
        parts = ["platform", *parts]
    return rest, parts


def _tag(parts: list[str]) -> str:
    names = [p for p in parts if not p.startswith("{")]
    if len(names) >= 2:
        return f"{names[0]}: {names[1]}"
    return names[0] if names else "api"


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_file(schema: dict, schemas: dict, depth: int = 0) -> bool:
    if depth > 4 or not isinstance(schema, dict):
        return False
    if "$ref" in schema:
        return _has_file(schemas.get(schema["$ref"].rsplit("/", 1)[-1], {}), schemas, depth + 1)
    if schema.get("format") == "binary":
        return True
    children = list((schema.get("properties") or {}).values())
    children += [schema.get("items") or {}]
    children += schema.get("allOf", []) + schema.get("oneOf", []) + schema.get("anyOf", [])
    return any(_has_file(child, schemas, depth + 1) for child in children)


def _json_request_bodies(operation: dict, schemas: dict) -> None:
    """Request bodies are documented as JSON, and as multipart/form-data only where a file is
    sent. (The APIs also read form bodies, but a form cannot say whether a value is a string,
    a number, a boolean or a one-item list, so a document promising types over forms would not
    be true: ``themes=AAA`` is both the string "AAA" and the list ["AAA"].)"""
    content = (operation.get("requestBody") or {}).get("content")
    if not content or "application/json" not in content:
        return
    for media_type in FORM_TYPES:
        if media_type in content and not (
            media_type == "multipart/form-data"
            and _has_file(content[media_type].get("schema"), schemas)
        ):
            del content[media_type]


def document_the_platform(result, generator, request, public):
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["ErrorResponse"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/ErrorResponse"}
    for path, operations in result.get("paths", {}).items():
        rest, parts = _resource(path)
        for method, operation in operations.items():
            if method not in VERBS:
                continue
            responses = operation.setdefault("responses", {})
            codes = ["400", "401", "403", "405", "406", "429"]
            if "{" in path:
                codes.append("404")
            if method in ("post", "put", "patch"):
                codes += ["409", "413", "415"]
            if method == "delete":
                codes.append("409")
            for code in codes + ["default"]:
                responses.setdefault(
                    code,
                    {
                        "description": ERROR_DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
            for code, response in responses.items():
                # A view that documents an error response by its description alone ("Refused,
                # with the reason") gets the envelope as its content.
                if (code == "default" or code >= "400") and not response.get("content"):
                    response["content"] = {"application/json": {"schema": ref}}
            _json_request_bodies(operation, components.get("schemas", {}))
            operation["tags"] = [_tag(parts)]
            if "operationId" in operation:
                # "records_open_decisions.csv_retrieve" -> "records_open_decisions_csv_retrieve"
                operation["operationId"] = re.sub(r"[^A-Za-z0-9_]+", "_", operation["operationId"])
            if not operation.get("description"):
                noun = " ".join(p for p in parts if not p.startswith("{")) or "index"
                operation["description"] = f"{VERBS[method]} {noun}."
            if not operation.get("summary"):
                first = operation["description"].strip().split("\n")[0]
                operation["summary"] = first[:120]
    return result
