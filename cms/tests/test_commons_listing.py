"""The content commons screen: filters, "already adopted" markers with a link to the copy, a
preview of each shared page in the adopting council's own layout, and a parent chooser that
offers only pages that accept the page's type."""

import re

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Page

from cms import adoption as adopting
from cms.commons import actions


def _admin(username):
    return get_user_model().objects.create(username=username, is_staff=True, is_superuser=True)


@pytest.fixture
def shared(site, web_council):
    """Two pages Webham shared: a service page and an information page."""
    sharer = _admin("sharer@webham.example")
    return {
        "service": actions.share_page(site["service"], sharer),
        "information": actions.share_page(site["information"], sharer),
    }


def _row(html, title):
    rows = re.findall(r"<tr>.*?</tr>", html, re.S)
    return next((r for r in rows if f"<strong>{title}</strong>" in r), None)


@pytest.mark.django_db
def test_listing_marks_what_this_council_adopted_and_filters(
    shared, council_b, client_b, in_council
):
    from cms.models import ServiceLandingPage

    with in_council(council_b):
        home = Page.objects.get(depth=2)
        waste = home.add_child(instance=ServiceLandingPage(title="Waste services", slug="waste-x"))
        copy = adopting.adopt_template(shared["information"], home, _admin("chief@betaby.example"))

    html = client_b.get("/admin/commons/").content.decode()
    statement = _row(html, "Accessibility statement")
    missed_bin = _row(html, "Report a missed bin")
    assert "Already adopted" in statement and f"/admin/pages/{copy.pk}/edit/" in statement
    assert "Already adopted" not in missed_bin
    # The parent chooser offers only pages that accept a service page.
    options = re.findall(r"<option value=\"(\d+)\">", missed_bin)
    assert str(waste.pk) in options and str(home.pk) in options
    with in_council(council_b):
        for pk in options:
            parent = Page.objects.get(pk=pk).specific
            assert shared["service"].page_type.split(".")[1] in {
                m._meta.model_name for m in parent.specific_class.allowed_subpage_models()
            }

    by_type = client_b.get("/admin/commons/?type=cms.servicepage").content.decode()
    assert _row(by_type, "Report a missed bin") and not _row(by_type, "Accessibility statement")
    by_text = client_b.get("/admin/commons/?q=missed").content.decode()
    assert _row(by_text, "Report a missed bin") and not _row(by_text, "Accessibility statement")
    none = client_b.get("/admin/commons/?council=999999").content.decode()
    assert "No shared page matches these filters." in none


@pytest.mark.django_db
def test_no_parent_accepting_the_type_says_so(shared, council_b, client_b, in_council):
    from cms.models import FormPage

    html = client_b.get("/admin/commons/?q=missed").content.decode()
    with in_council(council_b):
        forms = set(FormPage.objects.values_list("pk", flat=True))
    options = {
        int(pk) for pk in re.findall(r"<option value=\"(\d+)\">", _row(html, "Report a missed bin"))
    }
    assert not options & forms  # a form page accepts no children


@pytest.mark.django_db
def test_preview_renders_the_shared_page_in_this_councils_layout(shared, council_b, client_b):
    template = shared["service"]
    response = client_b.get(f"/admin/commons/preview/{template.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in body and "Report a missed bin" in body
    assert "Leave your bin out until we collect it." in body
    assert "Betaby Council" in body and "Webham Council" not in body.split("<main")[0]
    assert client_b.get("/admin/commons/preview/999999/").status_code == 404
