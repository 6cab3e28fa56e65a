"""Editors in Wagtail's admin: the live preview may be framed by the admin (public pages still
may not), the admin carries the council's name and logo and calls no third party, and a
council's administrators (even its superuser) cannot change the routing the platform owns."""

import re

import pytest
from django.test import Client
from wagtail.models import Page, Site


def _superuser_client(council, username="chief@webham.example"):
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"email": username, "is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST=council.primary_domain)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_preview_may_be_framed_by_the_admin_but_the_public_page_may_not(
    site, web_council, staff_client_factory, anon_web
):
    page = site["service"]
    revision = page.save_revision()
    editor = staff_client_factory(web_council, groups=("Editors",))
    preview = editor.get(f"/admin/pages/{page.pk}/revisions/{revision.pk}/view/")
    assert preview.status_code == 200
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert "'none'" not in preview["Content-Security-Policy"]
    assert preview["X-Frame-Options"] == "SAMEORIGIN"

    public = anon_web.get(page.url)
    assert "frame-ancestors 'none'" in public["Content-Security-Policy"]
    assert public["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_a_visitor_cannot_claim_to_be_a_preview(site, anon_web):
    """``is_preview`` is an attribute Wagtail sets in process; no header or parameter sets it."""
    response = anon_web.get(site["service"].url + "?is_preview=1", HTTP_IS_PREVIEW="1")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_signed_in_staff_get_the_userbar_that_runs_the_checks(site, web_council, anon_web):
    """The checks panel runs inside the preview through Wagtail's userbar; visitors never get it
    (and the cached anonymous page never carries it)."""
    staff = _superuser_client(web_council)
    assert b"<wagtail-userbar" in staff.get(site["service"].url).content
    assert b"wagtail-userbar" not in anon_web.get(site["service"].url).content


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


@pytest.mark.django_db
def test_admin_shows_the_councils_name_never_wagtail(site, web_council, anon_web):
    login = anon_web.get("/admin/login/").content.decode()
    assert "Sign in to Webham Council" in login
    assert "Wagtail" not in _title(login) and "Webham Council" in _title(login)
    assert "Sign in to Wagtail" not in login
    assert 'aria-label="Webham Council"' in login  # the logo (initials until one is uploaded)

    dashboard = _superuser_client(web_council).get("/admin/").content.decode()
    assert re.search(r'<h1 class="w-h1[^"]*">\s*Webham Council\s*</h1>', dashboard)
    assert _title(dashboard).endswith("Webham Council")
    assert "Council Platform" not in _title(dashboard) and "Wagtail" not in _title(dashboard)


@pytest.mark.django_db
def test_branding_name_and_logo_reach_the_admin(site, web_council):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    from cms.models import CouncilBranding

    branding = CouncilBranding.load()
    branding.council_name = "Webham Borough Council"
    branding.logo = Image.objects.create(title="Crest", file=get_test_image_file())
    branding.save()
    dashboard = _superuser_client(web_council).get("/admin/").content.decode()
    assert "Webham Borough Council" in _title(dashboard)
    assert re.search(
        r'<img[^>]+alt="Webham Borough Council"[^>]+class="council-admin-logo"', dashboard
    )


@pytest.mark.django_db
def test_admin_calls_no_gravatar_and_no_update_check(site, web_council):
    dashboard = _superuser_client(web_council).get("/admin/").content.decode()
    assert "gravatar.com" not in dashboard
    assert "data-w-upgrade" not in dashboard and "upgrade_notification" not in dashboard
    account = _superuser_client(web_council).get("/admin/account/").content.decode()
    assert "gravatar.com" not in account


def _shown_text(html: str) -> str:
    """The page's words as a person with a browser reads them: no scripts, styles or markup,
    and not the <noscript> message (Wagtail's skeleton says "JavaScript is required to use
    Wagtail" to a browser without JavaScript, which the admin cannot be used in anyway)."""
    html = re.sub(r"<(script|style|template|noscript)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _menu_labels(html: str) -> list[str]:
    """Every label of the sidebar's menus (drawn from the page's sidebar data by its script)."""
    import json

    data = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    labels = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("label"), str):
                labels.append(node["label"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(data.group(1)))
    return labels


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/", "/admin/account/"])
def test_dashboard_and_account_page_never_name_wagtail(site, web_council, path):
    """A new account's dashboard had a "What's new in Wagtail" banner and a "Wagtail 8.0.1
    editor guide" link, the Help menu "What's new in Wagtail 8.0" and "Editor Guide" (both
    on wagtail.org), and the account page "Enable custom keyboard shortcuts specific to
    Wagtail"."""
    response = _superuser_client(web_council, username="new.starter@webham.example").get(path)
    assert response.status_code == 200
    shown = _shown_text(response.content.decode())
    assert "Webham" in shown  # the page's words were read
    assert "wagtail" not in shown.lower(), re.findall(r".{0,60}wagtail.{0,60}", shown, re.I)
    labels = _menu_labels(response.content.decode())
    assert "Shortcuts" in labels  # the Help menu keeps its keyboard shortcuts
    assert not [label for label in labels if "wagtail" in label.lower()], labels
    assert "Editor Guide" not in labels


@pytest.mark.django_db
def test_account_page_offers_no_time_zone_the_browser_rejects(site, web_council):
    """Wagtail offered every name in the system's zone database, "localtime" among them, and
    the account page's script failed on it ("Invalid time zone specified: localtime")."""
    account = _superuser_client(web_council).get("/admin/account/")
    assert account.status_code == 200
    page = account.content.decode()
    assert 'value="localtime"' not in page and 'value="posixrules"' not in page
    assert 'name="locale-current_time_zone"' not in page  # one zone: nothing to choose


@pytest.mark.django_db
@pytest.mark.parametrize("report", ["workflow", "workflow_tasks"])
def test_moderation_reports_speak_of_pages_not_snippets(site, web_council, report):
    response = _superuser_client(web_council).get(f"/admin/reports/{report}/")
    assert response.status_code == 200
    shown = re.sub(r"<script.*?</script>", "", response.content.decode(), flags=re.S)
    assert "No pages have been submitted for moderation yet." in shown
    assert "snippets" not in shown


@pytest.mark.django_db
def test_council_superuser_cannot_see_or_edit_sites(site, web_council):
    chief = _superuser_client(web_council)
    the_site = Site.objects.get(is_default_site=True)
    dashboard = chief.get("/admin/").content.decode()
    assert "/admin/sites/" not in dashboard  # no Settings → Sites menu item
    for path in ("/admin/sites/", f"/admin/sites/edit/{the_site.pk}/", "/admin/sites/new/"):
        response = chief.get(path)
        assert response.status_code in (302, 403), path
        assert response.status_code == 403 or response["Location"] == "/admin/", path
    chief.post(
        f"/admin/sites/edit/{the_site.pk}/",
        {"hostname": "hijacked.example", "port": "80", "site_name": "X", "root_page": "1"},
    )
    chief.post(f"/admin/sites/delete/{the_site.pk}/")
    the_site.refresh_from_db()
    assert the_site.hostname == web_council.primary_domain
    assert Site.objects.filter(pk=the_site.pk).exists()


@pytest.mark.django_db
def test_council_superuser_cannot_delete_move_or_unpublish_the_home_page(site, web_council):
    chief = _superuser_client(web_council)
    home = site["home"]
    root = Page.get_first_root_node()
    response = chief.post(f"/admin/pages/{home.pk}/delete/", follow=True)
    assert "home page your website" in response.content.decode()
    response = chief.post(f"/admin/pages/{home.pk}/unpublish/", {"include_descendants": "on"})
    assert response.status_code == 302
    chief.post(f"/admin/pages/{home.pk}/move/{root.pk}/confirm/")
    chief.post(
        f"/admin/bulk/wagtailcore/page/delete/?id={home.pk}&next=/admin/pages/",
    )
    home.refresh_from_db()
    assert home.live and home.get_parent().pk == root.pk
    assert Page.objects.filter(pk=home.pk).exists()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk


@pytest.mark.django_db
def test_other_pages_can_still_be_unpublished(site, web_council):
    chief = _superuser_client(web_council)
    page = site["information"]
    chief.post(f"/admin/pages/{page.pk}/unpublish/")
    page.refresh_from_db()
    assert not page.live
