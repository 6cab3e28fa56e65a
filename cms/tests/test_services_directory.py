"""The directory page listing the council's Open Referral UK directory of services (issue 12,
item 5): the ORUK API's filters as a GOV.UK form, errors on the field, never cached, never
another council's services, a constant number of queries per page."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django_tenants.utils import schema_context


def _directory(council, services=3):
    """An organisation with ``services`` services (every other one a "Lunch club"), a taxonomy
    term on the first, a location with an address near the postcode AB1 2CD on the first, and one
    defunct service. Returns {name: value}."""
    from commissioning.providers.models import (
        Address,
        Location,
        Organization,
        Phone,
        Postcode,
        Service,
        ServiceAtLocation,
        ServiceTerm,
        Taxonomy,
        TaxonomyTerm,
    )

    with schema_context(council.schema_name):
        org = Organization.objects.create(name=f"{council.name} Age Concern")
        taxonomy = Taxonomy.objects.create(name="Test services")
        term = TaxonomyTerm.objects.create(taxonomy=taxonomy, name="Befriending", code="BF1")
        made = []
        for n in range(services):
            kind = "Lunch club" if n % 2 else "Befriending visits"
            service = Service.objects.create(
                organization=org,
                name=f"{council.slug} {kind} {n:02d}",
                description=f"{kind} for older residents.",
                email=f"s{n}@{council.slug}.example",
            )
            Phone.objects.create(service=service, number=f"01234 5678{n:02d}")
            made.append(service)
        ServiceTerm.objects.create(service=made[0], term=term)
        Postcode.objects.create(
            postcode="AB12CD", latitude=Decimal("51.5"), longitude=Decimal("-0.1"), gss_codes=""
        )
        Postcode.objects.create(
            postcode="ZZ99ZZ", latitude=Decimal("53.5"), longitude=Decimal("-2.1"), gss_codes=""
        )
        near = Location.objects.create(
            organization=org,
            name="Day centre",
            latitude=Decimal("51.501"),
            longitude=Decimal("-0.1"),
        )
        Address.objects.create(location=near, address_1="2 Mill Lane", postal_code="AB1 2CE")
        ServiceAtLocation.objects.create(service=made[0], location=near)
        gone = Service.objects.create(
            organization=org, name=f"{council.slug} Closed club", status="defunct"
        )
    return {"org": org, "term": term, "services": made, "gone": gone}


def _names(response) -> list[str]:
    return re.findall(
        r'<h2 class="govuk-heading-m[^"]*">(?:<a [^>]*>)?([^<]+)<', response.content.decode()
    )


@pytest.mark.django_db
def test_lists_active_services_with_their_details(site, anon_web, web_council):
    data = _directory(web_council)
    response = anon_web.get(site["services_directory"].url)
    assert response.status_code == 200
    names = _names(response)
    assert names == sorted(s.name for s in data["services"])  # the defunct one is not offered
    html = response.content.decode()
    assert "2 Mill Lane" in html and "01234 567800" in html and "Befriending (1)" in html
    assert "3 services" in html


@pytest.mark.django_db
def test_filters_by_text_type_and_distance(site, anon_web, web_council):
    data = _directory(web_council, services=4)
    url = site["services_directory"].url
    assert _names(anon_web.get(url, {"q": "lunch"})) == [
        s.name for s in data["services"] if "Lunch" in s.name
    ]
    assert _names(anon_web.get(url, {"term": str(data["term"].id)})) == [data["services"][0].name]
    near = anon_web.get(url, {"postcode": "ab1 2cd", "distance": "1609"})
    assert _names(near) == [data["services"][0].name]
    assert _names(anon_web.get(url, {"postcode": "ZZ9 9ZZ", "distance": "1609"})) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"term": "not-a-uuid"}, "term", "Choose a type of service from the list"),
        ({"distance": "123"}, "distance", "Choose a distance from the list"),
        ({"distance": "1609"}, "postcode", "Enter a postcode to search by distance"),
        ({"postcode": "QQ1 1QQ"}, "postcode", "we could not find QQ1 1QQ"),
        ({"q": "a\x00b"}, None, None),
    ],
)
def test_a_bad_filter_is_an_error_on_its_field_and_the_list_still_shows(
    site, anon_web, web_council, params, field, message
):
    data = _directory(web_council)
    response = anon_web.get(site["services_directory"].url, params)
    if field is None:  # a NUL byte is refused by the request layer, as on every page
        assert response.status_code == 400
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert f'href="#directory-{field}"' in html and message in html
    assert f'id="directory-{field}-error"' in html
    assert len(_names(response)) == len(data["services"])


@pytest.mark.django_db
def test_changes_show_at_once_the_page_is_not_cached(site, anon_web, web_council, settings):
    from commissioning.providers.models import Organization, Service

    settings.CMS_PAGE_CACHE_SECONDS = 300
    url = site["services_directory"].url
    assert _names(anon_web.get(url)) == []
    with schema_context(web_council.schema_name):
        org = Organization.objects.create(name="New provider")
        Service.objects.create(organization=org, name="Brand new service")
    response = anon_web.get(url)
    assert _names(response) == ["Brand new service"]
    assert "X-Page-Cache" not in response


@pytest.mark.django_db
def test_another_councils_services_never_appear(site, web_council, council_b, in_council):
    from cms.demo import build_site

    data_web = _directory(web_council)
    _directory(council_b, services=1)
    with in_council(council_b):
        path = build_site(council_b)["services_directory"].url
    anon_b = Client(HTTP_HOST=council_b.primary_domain)
    response = anon_b.get(path)
    html = response.content.decode()
    assert _names(response) == ["betaby Befriending visits 00"]
    assert web_council.slug not in html
    # A's term id on B's page is simply a type B does not have: no results, no error, no leak.
    response = anon_b.get(path, {"term": str(data_web["term"].id)})
    assert response.status_code == 200 and _names(response) == []


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_page(site, anon_web, web_council):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = site["services_directory"].url
    _directory(web_council, services=2)
    with CaptureQueriesContext(connection) as few:
        anon_web.get(url)
    with schema_context(web_council.schema_name):
        from commissioning.providers.models import Organization, Service

        org = Organization.objects.create(name="Bigger provider")
        for n in range(18):
            Service.objects.create(organization=org, name=f"Extra service {n:02d}")
    with CaptureQueriesContext(connection) as many:
        response = anon_web.get(url)
    assert len(_names(response)) == 20
    assert len(many.captured_queries) == len(few.captured_queries)
