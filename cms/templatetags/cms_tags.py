from django import template
from django.db import connection

register = template.Library()


def _in_council() -> bool:
    tenant = getattr(connection, "tenant", None)
    return (
        tenant is not None
        and not getattr(tenant, "is_public", True)
        and connection.schema_name != "public"
    )


@register.simple_tag(takes_context=True)
def council_branding(context):
    """The council's branding settings (None on the platform's own site)."""
    if not _in_council():
        return None
    from cms.models import CouncilBranding

    request = context.get("request")
    return CouncilBranding.load(request_or_site=request)


@register.simple_tag
def site_alerts_for(page=None):
    if not _in_council():
        return []
    from cms.models import AlertBanner

    return list(AlertBanner.showing(page if hasattr(page, "pk") else None))


@register.simple_tag
def link_href(value):
    page = value.get("page") if hasattr(value, "get") else None
    if page:
        return page.url
    return value.get("url", "") if hasattr(value, "get") else ""


@register.simple_tag(takes_context=True)
def admin_branding(context):
    """The council's name, logo and colour for Wagtail's admin (title, sign-in page, dashboard,
    sidebar): staff see whose website they are editing, never "Wagtail" or the platform's name.
    The name is the branding setting's, else the council's own; ``initials`` stand in for a logo
    the council has not uploaded."""
    tenant = getattr(connection, "tenant", None)
    branding = council_branding(context) if _in_council() else None
    name = (branding.council_name if branding else "") or getattr(tenant, "name", "") or ""
    words = [w for w in name.split() if w.lower() not in {"council", "of", "the", "and", "city"}]
    return {
        "name": name or "Council",
        "logo": branding.logo if branding else None,
        "colour": (branding.brand_colour if branding else "") or "#1d70b8",
        "initials": "".join(w[0] for w in words[:2]).upper() or "C",
    }
