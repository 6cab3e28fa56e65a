"""The event catalogue as a page on the platform site (/events/): every type, its scope, who may
subscribe, its subject and its versioned JSON Schema. The same content as the catalogue API
(``api.py``); event shapes only, never a council's events."""

import json

from django.shortcuts import render

from .outbox import ENVELOPE_SCHEMA
from .registry import catalogue

AUDIENCES = {
    "": "Council endpoints only",
    "providers": "Council endpoints and every provider account",
    "organization": "Council endpoints and the provider organisation named in the data",
}


def catalogue_page(request):
    types = []
    for t in catalogue():
        types.append(
            {
                "type": t.type,
                "version": t.version,
                "description": t.description,
                "subject": t.schema.get("x-subject", ""),
                "scope": t.scope,
                "audience": "Platform staff endpoints only (platform event)"
                if t.scope == "platform"
                else AUDIENCES.get(t.audience, t.audience),
                "dataschema": t.dataschema,
                "schema": json.dumps(t.schema, indent=2),
                "anchor": f"{t.type}-v{t.version}".replace(".", "-"),
            }
        )
    return render(
        request,
        "events/catalogue.html",
        {
            "council_types": [t for t in types if t["scope"] == "council"],
            "platform_types": [t for t in types if t["scope"] == "platform"],
            "envelope": json.dumps(ENVELOPE_SCHEMA, indent=2),
        },
    )
