"""How to reach a council when its website cannot answer (the suspended page, 503).

The kernel knows no app; the website registers where a council keeps its contact details
(``cms``: its branding settings) in its ``AppConfig.ready()``:

    from platform_core import councilcontact
    councilcontact.register(branding_contact_details)

``contact_details(council)`` runs the registered function in the council's own schema.
"""

from __future__ import annotations

from collections.abc import Callable

from django_tenants.utils import schema_context

_lookup: Callable[[], dict] | None = None


def register(fn: Callable[[], dict]) -> None:
    global _lookup
    _lookup = fn


def contact_details(council) -> dict:
    """{"phone", "email", "address"} of the council (empty strings when unknown)."""
    details = {"phone": "", "email": "", "address": ""}
    if _lookup is not None:
        with schema_context(council.schema_name):
            details.update({k: v or "" for k, v in _lookup().items() if k in details})
    return details
