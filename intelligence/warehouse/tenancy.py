"""The council whose schema is active (a request's tenant, or the council of a schema_context)."""

from django.db import connection


def current_council():
    tenant = getattr(connection, "tenant", None)
    if tenant is not None and hasattr(tenant, "gss_code"):
        return tenant
    from tenants.models import Council

    return Council.objects.filter(schema_name=connection.schema_name).first()


def current_council_code() -> str | None:
    council = current_council()
    return getattr(council, "gss_code", None)
