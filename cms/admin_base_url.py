"""Links in a council's Wagtail emails use the council's own domain.

Wagtail builds every absolute admin link in its emails (password reset, moderation and comment
notifications, the userbar outside a request) from one global setting, ``WAGTAILADMIN_BASE_URL``,
read through ``wagtail.admin.utils.get_admin_base_url``. On this platform that setting is the
platform's domain, where no council's admin exists: a council's staff would be sent to the wrong
host (and a password-reset token to a host that is not their council's). ``install()`` replaces
that function, in the modules that imported it, with one that answers the *current council's*
primary domain (the schema the connection is in: the request's council, or the council a task or
command runs for); on the platform's public schema it answers the setting as before.
Guarded by ``cms/tests/test_admin_emails.py``, which fails if a Wagtail upgrade moves the function.
"""

from django.conf import settings
from django.db import connection
from django_tenants.utils import get_public_schema_name, get_tenant_model


def council_admin_base_url() -> str | None:
    schema = getattr(connection, "schema_name", None)
    if schema and schema != get_public_schema_name():
        tenant = getattr(connection, "tenant", None)
        if not hasattr(tenant, "site_url"):  # schema_context() sets a stand-in without a row
            tenant = get_tenant_model().objects.filter(schema_name=schema).first()
        if tenant is not None and tenant.primary_domain:
            return tenant.site_url().rstrip("/")
    return getattr(settings, "WAGTAILADMIN_BASE_URL", None)


def install() -> None:
    from wagtail.admin import userbar, utils
    from wagtail.admin.templatetags import wagtailadmin_tags

    for module in (utils, wagtailadmin_tags, userbar):
        module.get_admin_base_url = council_admin_base_url
