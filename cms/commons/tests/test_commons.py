"""Content commons: a council shares a page; another adopts an editable copy and hears of changes."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from wagtail.models import Page

from cms import adoption as adopting
from cms.commons import actions
from cms.commons.models import SharedTemplate


def _admin(username):
    return get_user_model().objects.create(username=username, is_staff=True, is_superuser=True)


@pytest.mark.django_db
def test_shared_page_is_adopted_as_a_draft_copy_that_records_its_source(
    site, web_council, council_b, in_council
):
    template = actions.share_page(site["service"], _admin("sharer"))
    assert template.source_council == web_council and template.version == 1
    assert "Leave your bin out" in str(template.content)

    with in_council(council_b):
        from cms.models import AdoptedPage, ServiceLandingPage

        home_b = Page.objects.get(depth=2)
        landing = home_b.add_child(instance=ServiceLandingPage(title="Waste", slug="waste"))
        page = adopting.adopt_template(template, landing, _admin("adopter"))
        assert page.title == "Report a missed bin" and not page.live
        assert page.specific.lgsl_id == 524 and "Leave your bin out" in str(
            page.specific.body.raw_data
        )
        adoption = AdoptedPage.objects.get(page=page)
        assert (
            adoption.template_id == template.pk and adoption.source_council_name == "Webham Council"
        )
        assert adopting.outdated_adoptions() == []

    # The source changes and is shared again: the adopter is told.
    with in_council(web_council):
        source = site["service"]
        source.summary = "Tell us within two days."
        source.save_revision().publish()
        updated = actions.share_page(Page.objects.get(pk=source.pk), _admin("sharer2"))
    assert updated.pk == template.pk and updated.version == 2
    with in_council(council_b):
        outdated = adopting.outdated_adoptions()
        assert [(a.page_id, v) for a, v in outdated] == [(page.pk, 2)]
        adopting.acknowledge_update(outdated[0][0], 2)
        assert adopting.outdated_adoptions() == []


@pytest.mark.django_db
def test_sharing_unchanged_content_keeps_the_version(site):
    user = _admin("sharer")
    first = actions.share_page(site["service"], user)
    again = actions.share_page(site["service"], user)
    assert again.version == first.version == 1
    assert SharedTemplate.objects.count() == 1


@pytest.mark.django_db
def test_only_content_pages_can_be_shared(site):
    with pytest.raises(ValidationError):
        actions.share_page(site["form"], _admin("sharer"))


@pytest.mark.django_db
def test_editor_without_publish_rights_cannot_share(site):
    from django.contrib.auth.models import Group

    editor = get_user_model().objects.create(username="ed", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    with pytest.raises(PermissionDenied):
        actions.share_page(site["service"], editor)


@pytest.mark.django_db
def test_adopting_under_a_page_that_cannot_hold_it_is_refused(site):
    template = actions.share_page(site["service"], _admin("sharer"))
    with pytest.raises(ValidationError):
        adopting.adopt_template(template, site["newsroom"], _admin("adopter"))


@pytest.mark.django_db
def test_missing_template_is_404(site):
    with pytest.raises(Http404):
        actions.access_template(987654)
    with pytest.raises(Http404):
        actions.access_template("abc")


@pytest.mark.django_db
def test_admin_library_and_adopt_views(site, web_council, council_b, client_b, in_council):
    with in_council(web_council):
        template = actions.share_page(site["service"], _admin("sharer"))
    library = client_b.get("/admin/commons/")
    assert library.status_code == 200 and b"Report a missed bin" in library.content
    with in_council(council_b):
        home_b = Page.objects.get(depth=2)
    response = client_b.post(f"/admin/commons/adopt/{template.pk}/", {"parent": home_b.pk})
    # A service page cannot go directly under the home page? It can: HomePage takes any type.
    assert response.status_code == 302
    with in_council(council_b):
        assert Page.objects.filter(title="Report a missed bin").exists()


@pytest.mark.django_db
def test_council_b_cannot_share_or_adopt_into_council_a_pages(site, client_b):
    """Council B naming Webham's page ids gets exactly what a missing id gets."""
    share_a = client_b.get(f"/admin/commons/share/{site['service'].pk}/")
    share_missing = client_b.get("/admin/commons/share/987654321/")
    assert share_a.status_code == share_missing.status_code == 404


@pytest.mark.django_db
def test_adopter_dashboard_announces_a_newer_source_version(
    site, web_council, council_b, client_b, in_council
):
    with in_council(web_council):
        template = actions.share_page(site["service"], _admin("sharer"))
    with in_council(council_b):
        page = adopting.adopt_template(template, Page.objects.get(depth=2), _admin("adopter"))
    assert b"Updates to pages you adopted" not in client_b.get("/admin/").content
    SharedTemplate.objects.filter(pk=template.pk).update(version=2)
    dashboard = client_b.get("/admin/").content.decode()
    assert (
        "Updates to pages you adopted" in dashboard and f"/admin/pages/{page.pk}/edit/" in dashboard
    )
    assert "Webham Council has shared version 2" in dashboard
