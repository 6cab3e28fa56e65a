"""A committed council with the demo website, for tests that need one built once per session
(the page tests and the browser tests, whose server thread sees only committed data).

It is removed (row, domain and schema) at the end of the session.
"""

from django_tenants.utils import schema_context

WEB_COUNCIL = {
    "name": "Webham Council",
    "slug": "webham",
    "gss_code": "E06000977",
    "tier": "unitary",
    "region": "london",
}


def remove_council(slug: str) -> None:
    from tenants.models import Council

    for council in Council.objects.filter(slug=slug):
        council.delete(force_drop=True)


def provision_site_council(spec: dict = WEB_COUNCIL):
    """Provision the council (replacing a leftover from an interrupted run) and build its site.
    Returns (council, {page key: page id})."""
    from cms.demo import build_site
    from tenants.actions import provision_council

    remove_council(spec["slug"])
    council = provision_council(
        **spec, admin_email=f"admin@{spec['slug']}.example", notify=False
    ).council
    with schema_context(council.schema_name):
        pages = build_site(council)
    return council, {key: page.pk for key, page in pages.items()}
