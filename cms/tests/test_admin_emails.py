"""Every link in a council's Wagtail emails (password reset, moderation notifications) uses that
council's own domain, never the platform's (``WAGTAILADMIN_BASE_URL``)."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django_tenants.utils import schema_context

URL_RE = re.compile(r"https?://[^\s\"'<>]+")


def _hosts(message) -> set[str]:
    texts = [message.body] + [content for content, _type in getattr(message, "alternatives", [])]
    return {urlsplit(url).netloc for text in texts for url in URL_RE.findall(text)}


def _council_netloc(council) -> str:
    return urlsplit(council.site_url()).netloc


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["council_a", "council_b"])
def test_password_reset_link_uses_the_councils_own_domain(which, request):
    council = request.getfixturevalue(which)
    email = f"forgetful@{council.slug}.example"
    with schema_context(council.schema_name):
        get_user_model().objects.create_user(email, email=email, password="x-Long-passphrase-42")
    client = Client(HTTP_HOST=council.primary_domain)
    response = client.post("/admin/password_reset/", {"email": email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    hosts = _hosts(mail.outbox[0])
    assert hosts == {_council_netloc(council)}, mail.outbox[0].body
    assert settings.PLATFORM_DOMAIN not in mail.outbox[0].body
    assert "/admin/password_reset/confirm/" in mail.outbox[0].body


@pytest.mark.django_db
def test_moderation_notifications_link_to_the_councils_own_domain(
    site, web_council, staff_client_factory, in_council
):
    from django.contrib.auth.models import Group

    with in_council(web_council):
        moderator = get_user_model().objects.create_user(
            "moderator@webham.example", email="moderator@webham.example", is_staff=True
        )
        moderator.groups.add(Group.objects.get(name="Moderators"))
    page = site["information"]
    editor = staff_client_factory(
        web_council, groups=("Editors",), username="editor@webham.example"
    )
    editor.post(
        f"/admin/pages/{page.pk}/edit/",
        {"title": page.title, "slug": page.slug, "action-submit": "Submit", "body-count": "0"},
    )
    to_moderator = [m for m in mail.outbox if "moderator@webham.example" in m.to]
    assert to_moderator, [m.to for m in mail.outbox]
    for message in mail.outbox:
        hosts = _hosts(message)
        assert hosts, message.body  # the notification does carry links
        assert hosts == {_council_netloc(web_council)}, message.body


@pytest.mark.django_db
def test_wagtails_base_url_follows_the_current_schema(council_a, council_b):
    """Guards the replacement of Wagtail's get_admin_base_url (cms/admin_base_url.py): if a
    Wagtail upgrade moves the function, this fails instead of emails silently going wrong."""
    from wagtail.admin import utils
    from wagtail.admin.templatetags import wagtailadmin_tags

    from cms.admin_base_url import council_admin_base_url

    assert utils.get_admin_base_url is council_admin_base_url
    assert wagtailadmin_tags.get_admin_base_url is council_admin_base_url
    assert utils.get_admin_base_url() == settings.WAGTAILADMIN_BASE_URL  # public schema
    with schema_context(council_a.schema_name):
        assert wagtailadmin_tags.base_url_setting() == council_a.site_url().rstrip("/")
    with schema_context(council_b.schema_name):
        assert utils.get_admin_base_url() == council_b.site_url().rstrip("/")
