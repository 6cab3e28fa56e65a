"""The anonymous page cache: per council, skipped for staff and forms, emptied on publish."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_second_anonymous_request_is_served_from_cache(
    site, anon_web, django_assert_max_num_queries
):
    url = site["service"].url
    assert anon_web.get(url)["X-Page-Cache"] == "miss"
    with django_assert_max_num_queries(2):  # the host lookup; no page queries
        response = anon_web.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert b"Report a missed bin" in response.content


@pytest.mark.django_db
def test_publishing_a_page_empties_the_councils_cache(
    site, anon_web, django_capture_on_commit_callbacks
):
    page = site["service"]
    anon_web.get(page.url)
    page.title = "Report a missed collection"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    response = anon_web.get(page.url)
    assert response["X-Page-Cache"] == "miss"
    assert b"Report a missed collection" in response.content


@pytest.mark.django_db
def test_editing_an_alert_empties_the_cache(site, anon_web, django_capture_on_commit_callbacks):
    from cms.models import AlertBanner

    anon_web.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        AlertBanner.objects.create(title="Flooding on the ring road", alert_type="major")
    assert b"Flooding on the ring road" in anon_web.get("/").content


@pytest.mark.django_db
def test_cache_is_per_council(site, web_council, council_b, in_council):
    """The same path on two councils' hosts never shares a cached answer."""
    from wagtail.models import Page

    from cms.models import InformationPage

    Client(HTTP_HOST=web_council.primary_domain).get("/accessibility/")
    with in_council(council_b):
        # B's own statement: from its starter site (cms/starter.py), or made here.
        home_b = Page.objects.get(depth=2)
        statement = InformationPage.objects.child_of(home_b).filter(slug="accessibility").first()
        if statement is None:
            home_b.add_child(
                instance=InformationPage(title="Betaby Council", slug="accessibility", live=True)
            )
    response = Client(HTTP_HOST=council_b.primary_domain).get("/accessibility/")
    assert response["X-Page-Cache"] == "miss"
    assert b"Betaby Council" in response.content and b"Webham" not in response.content


@pytest.mark.django_db
def test_signed_in_staff_are_never_served_from_cache(
    site, web_council, staff_client_factory, anon_web
):
    anon_web.get("/")
    staff = staff_client_factory(web_council)
    response = staff.get("/")
    assert "X-Page-Cache" not in response


@pytest.mark.django_db
def test_form_pages_are_not_cached(site, anon_web):
    url = site["form"].url
    anon_web.get(url)
    assert "X-Page-Cache" not in anon_web.get(url)


@pytest.mark.django_db
def test_unknown_query_parameters_bypass_the_cache(site, anon_web):
    url = site["service"].url
    anon_web.get(url + "?utm_source=x")
    assert "X-Page-Cache" not in anon_web.get(url + "?utm_source=x")
    # A page number on a page that is not paginated is a parameter the page did not use.
    anon_web.get(url + "?page=2")
    assert "X-Page-Cache" not in anon_web.get(url + "?page=2")
    listing = site["newsroom"].url
    anon_web.get(listing + "?page=1")
    assert anon_web.get(listing + "?page=1")["X-Page-Cache"] == "hit"


def _page_entries() -> int:
    """Cached pages in the (in-process) default cache, whatever their council."""
    from django.core.cache import caches

    return sum(1 for key in caches["default"]._cache if ":cms:page:" in key)


@pytest.mark.django_db
def test_making_a_page_private_evicts_it_from_the_cache(
    site, web_council, staff_client_factory, anon_web, django_capture_on_commit_callbacks
):
    page = site["service"]
    anon_web.get(page.url)
    assert anon_web.get(page.url)["X-Page-Cache"] == "hit"
    staff = staff_client_factory(web_council)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/admin/pages/{page.pk}/privacy/", {"restriction_type": "login", "password": ""}
        )
    assert response.status_code == 200, response.content[:500]
    from wagtail.models import PageViewRestriction

    assert PageViewRestriction.objects.filter(page=page).exists()
    response = anon_web.get(page.url)
    assert response.status_code == 302  # to the sign-in page, not the cached copy
    assert "X-Page-Cache" not in response
    # Pages below it are private too: the listing above it no longer shows a cached link.
    assert anon_web.get(page.url).status_code == 302


@pytest.mark.django_db
def test_removing_a_restriction_also_empties_the_cache(
    site, anon_web, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    anon_web.get("/")
    assert anon_web.get("/")["X-Page-Cache"] == "hit"
    page = site["service"]
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(page=page, restriction_type="login")
    assert anon_web.get("/")["X-Page-Cache"] == "miss"
    anon_web.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert anon_web.get("/")["X-Page-Cache"] == "miss"


@pytest.mark.django_db
def test_a_flood_of_made_up_parameter_values_creates_no_cache_entries(site, anon_web):
    listings = [site["newsroom"].url, site["events_index"].url, site["directory"].url]
    for url in listings:
        anon_web.get(url)
    before = _page_entries()
    for i in range(20):
        for url in listings:
            for query in (
                f"?page=abc{i}",
                f"?page={9000 + i}",  # past the last page: served as the last page
                f"?page=0{i + 1}",
                f"?kind=nonsense{i}",
                f"?category=Made+up+{i}",
                f"?q=free+text+{i}",
                f"?past={i + 2}",
                f"?page=1&page={i + 2}",
            ):
                assert anon_web.get(url + query).status_code == 200
    assert _page_entries() == before


@pytest.mark.django_db
def test_valid_parameter_values_are_still_cached(site, anon_web):
    directory = site["directory"].url
    for query in ("?kind=venue", "?category=Libraries", "?kind=venue&category=Libraries&page=1"):
        assert anon_web.get(directory + query)["X-Page-Cache"] == "miss"
        assert anon_web.get(directory + query)["X-Page-Cache"] == "hit"
    events = site["events_index"].url
    anon_web.get(events + "?past=1")
    assert anon_web.get(events + "?past=1")["X-Page-Cache"] == "hit"
