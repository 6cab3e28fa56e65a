"""A newly provisioned council gets a starter website (cms/starter.py), not a bare home page:
service sections, news, events, contact, A to Z, an accessibility statement and a privacy
notice written from its own details, footer links to them."""

import pytest
from wagtail.models import Page

from cms.starter import SECTIONS, personalise_starter_site

STARTER_SLUGS = {slug for slug, *_ in SECTIONS} | {
    "news",
    "events",
    "contact-us",
    "a-to-z",
    "accessibility",
    "privacy",
}


@pytest.mark.django_db
def test_new_council_has_the_starter_pages_written_from_its_details(council_a, in_council):
    from cms.models import CouncilBranding, HomePage, InformationPage

    with in_council(council_a):
        home = HomePage.objects.get(depth=2)
        assert STARTER_SLUGS <= set(home.get_children().live().values_list("slug", flat=True))
        assert home.intro == "<p>Services and information from Alphaford Council.</p>"
        statement = InformationPage.objects.get(slug="accessibility")
        text = str(statement.body)
        assert "This accessibility statement applies to http://alphaford.localhost" in text
        assert "This website is run by Alphaford Council." in text
        assert statement.review_date is not None
        notice = str(InformationPage.objects.get(slug="privacy").body)
        assert "Alphaford Council is the data controller" in notice
        labels = [b.value["label"] for b in CouncilBranding.load().footer_links]
        assert labels == ["Contact us", "Accessibility statement", "Privacy notice"]


@pytest.mark.django_db
def test_starter_site_is_served_with_its_sections_and_footer(council_a, anon_client_a):
    body = anon_client_a.get("/").content.decode()
    for slug, title, *_ in SECTIONS:
        assert f'href="/{slug}/"' in body and title in body
    for href in ('href="/contact-us/"', 'href="/accessibility/"', 'href="/privacy/"'):
        assert href in body
    statement = anon_client_a.get("/accessibility/")
    assert statement.status_code == 200
    assert "This website is run by Alphaford Council." in statement.content.decode()
    assert anon_client_a.get("/privacy/").status_code == 200


@pytest.mark.django_db
def test_personalising_is_a_few_updates_and_never_overwrites_a_councils_edit(
    council_a, in_council, django_assert_max_num_queries
):
    from cms.models import InformationPage

    with in_council(council_a):
        statement = InformationPage.objects.get(slug="accessibility")
        statement.body = [("paragraph", "<p>Our own statement.</p>")]
        statement.save_revision().publish()
        with django_assert_max_num_queries(4):
            personalise_starter_site(council_a)
        statement.refresh_from_db()
        assert str(statement.body) == (
            '<div class="block-paragraph"><p>Our own statement.</p></div>'
        ) or "Our own statement." in str(statement.body)
        assert "This website is run by" not in str(statement.body)
        assert Page.objects.get(pk=statement.pk).live
