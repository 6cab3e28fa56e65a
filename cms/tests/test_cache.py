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
        home_b = Page.objects.get(depth=2)
        home_b.add_child(
            instance=InformationPage(title="Betaby accessibility", slug="accessibility", live=True)
        )
    response = Client(HTTP_HOST=council_b.primary_domain).get("/accessibility/")
    assert response["X-Page-Cache"] == "miss"
    assert b"Betaby accessibility" in response.content and b"Webham" not in response.content


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
    anon_web.get(url + "?page=2")
    assert anon_web.get(url + "?page=2")["X-Page-Cache"] == "hit"
