"""Reads other apps make of the council list: the current council and the active councils."""

from collections.abc import Iterator

from django_tenants.utils import get_public_schema_name, schema_context

from platform_core.db import connection

from .models import Council


def current_council() -> Council | None:
    """The council whose schema is active (a request's tenant, or the council of a
    ``schema_context``); None in the public schema."""
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Council):
        return None if tenant.is_public else tenant
    schema = connection.schema_name
    if schema == get_public_schema_name():
        return None
    return Council.objects.filter(schema_name=schema).first()


def active_councils():
    """Every active council (never the platform's own public tenant), by name."""
    return Council.objects.filter(status=Council.Status.ACTIVE).exclude(
        schema_name=get_public_schema_name()
    )


def each_active_council(queryset=None) -> Iterator[Council]:
    """Iterate active councils, each inside its own schema (restored afterwards). Pass a
    narrowed ``active_councils()`` queryset to visit fewer."""
    for council in active_councils() if queryset is None else queryset:
        with schema_context(council.schema_name):
            yield council


def council_for_command(slug: str) -> Council:
    """The council a management command's ``--council SLUG`` names (never the platform's own
    tenant), or a CommandError naming the slug."""
    from django.core.management.base import CommandError

    council = (
        Council.objects.exclude(schema_name=get_public_schema_name()).filter(slug=slug).first()
    )
    if council is None:
        raise CommandError(f"There is no council {slug!r}.")
    return council


def current_council_code() -> str | None:
    """The GSS code of the current council (None in the public schema)."""
    council = current_council()
    return council.gss_code if council is not None else None
