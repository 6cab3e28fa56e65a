"""The ORUK API: every endpoint's responses valid against the official ORUK schemas, ORUK
pagination and filters, open with CORS, constant queries per page, errors in the envelope,
and council B never sees council A's directory."""

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from jsonschema import Draft202012Validator, FormatChecker

from commissioning.providers.demo import LGSL_TERMS, seed_demo
from commissioning.providers.models import Service, ServiceAtLocation, Taxonomy, TaxonomyTerm

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "oruk_schema"


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text())


OPENAPI = _schema("openapi.json")
PAGE = OPENAPI["components"]["schemas"]["Page"]
ROOT = OPENAPI["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
ITEM_SCHEMAS = {
    "services": _schema("service_list.json"),
    "service_at_locations": _schema("service_at_location_list.json"),
    "taxonomies": _schema("taxonomy.json"),
    "taxonomy_terms": _schema("taxonomy_term.json"),
}
DETAIL_SCHEMAS = {
    "services": _schema("service.json"),
    "service_at_locations": _schema("service_at_location.json"),
    "taxonomies": _schema("taxonomy.json"),
    "taxonomy_terms": _schema("taxonomy_term.json"),
}


def assert_valid(data, schema):
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def assert_valid_page(data, endpoint):
    page_schema = {**PAGE, "required": list(PAGE["properties"])}
    assert_valid({k: v for k, v in data.items() if k != "contents"}, page_schema)
    for item in data["contents"]:
        assert_valid(item, ITEM_SCHEMAS[endpoint])


@pytest.fixture
def directory_a(council_a):
    with schema_context(council_a.schema_name):
        seed_demo(council_a)
    return council_a


@pytest.fixture
def oruk_a(directory_a):
    return Client(HTTP_HOST=directory_a.primary_domain)


def _ids(council, endpoint):
    model = {
        "services": Service,
        "service_at_locations": ServiceAtLocation,
        "taxonomies": Taxonomy,
        "taxonomy_terms": TaxonomyTerm,
    }[endpoint]
    with schema_context(council.schema_name):
        return [str(pk) for pk in model.objects.values_list("id", flat=True)]


def test_root_is_valid(oruk_a):
    response = oruk_a.get("/openreferral/")
    assert response.status_code == 200
    assert_valid(response.json(), ROOT)
    assert response.json()["version"] == "3.0"


@pytest.mark.parametrize(
    "endpoint", ["services", "service_at_locations", "taxonomies", "taxonomy_terms"]
)
def test_every_list_and_detail_is_valid_against_the_oruk_schemas(oruk_a, directory_a, endpoint):
    data = oruk_a.get(f"/openreferral/{endpoint}", {"per_page": 500}).json()
    assert data["total_items"] > 0 and data["size"] == data["total_items"]
    assert_valid_page(data, endpoint)
    for object_id in _ids(directory_a, endpoint):
        response = oruk_a.get(f"/openreferral/{endpoint}/{object_id}")
        assert response.status_code == 200
        assert_valid(response.json(), DETAIL_SCHEMAS[endpoint])


def test_service_detail_has_locations_and_terms(oruk_a, directory_a):
    with schema_context(directory_a.schema_name):
        service = Service.objects.get(name="Reablement after hospital (North)")
    data = oruk_a.get(f"/openreferral/services/{service.id}").json()
    assert {
        a["taxonomy_term"]["name"]
        for a in data["attributes"]
        if a["taxonomy_term"]["taxonomy"] == "LGSL"
    } == {
        "Home care",
        "Adult social care",
    }
    location = data["service_at_locations"][0]["location"]
    assert location["latitude"] and location["addresses"][0]["postal_code"]


def test_demo_has_a_few_dozen_services(directory_a):
    with schema_context(directory_a.schema_name):
        count = Service.objects.count()
        seed_demo(directory_a)  # idempotent
        assert Service.objects.count() == count >= 36


def test_pagination_follows_oruk(oruk_a):
    first = oruk_a.get("/openreferral/services", {"per_page": 10}).json()
    total = first["total_items"]
    assert first["page_number"] == 1 and first["first_page"] and not first["last_page"]
    assert first["size"] == 10 and first["total_pages"] == -(-total // 10)
    last = oruk_a.get(
        "/openreferral/services", {"per_page": 10, "page": first["total_pages"]}
    ).json()
    assert (
        last["last_page"]
        and not last["first_page"]
        and last["size"] == total - 10 * (first["total_pages"] - 1)
    )
    beyond = oruk_a.get("/openreferral/services", {"page": 99}).json()
    assert beyond["empty"] and beyond["contents"] == [] and beyond["total_items"] == total
    assert_valid_page(beyond, "services")
    names = set()
    for page in range(1, first["total_pages"] + 1):
        data = oruk_a.get("/openreferral/services", {"per_page": 10, "page": page}).json()
        names |= {s["id"] for s in data["contents"]}
    assert len(names) == total


def test_filters_text_term_and_taxonomy(oruk_a, directory_a):
    with schema_context(directory_a.schema_name):
        home_care = TaxonomyTerm.objects.get(name="Home care")
        lgsl = Taxonomy.objects.get(name="LGSL")
        expected = set(Service.objects.filter(terms=home_care).values_list("name", flat=True))
        total = Service.objects.count()
    data = oruk_a.get("/openreferral/services", {"taxonomy_term_id": home_care.id}).json()
    assert {s["name"] for s in data["contents"]} == expected and len(expected) == 6
    data = oruk_a.get("/openreferral/services", {"text": "debt"}).json()
    assert [s["name"] for s in data["contents"]] == [
        "Debt advice (Central)",
        "Debt advice (North)",
        "Debt advice (South)",
    ]
    data = oruk_a.get(
        "/openreferral/services", {"text": "north", "taxonomy_term_id": home_care.id}
    ).json()
    assert data["total_items"] == 2
    data = oruk_a.get("/openreferral/services", {"taxonomy_id": lgsl.id}).json()
    assert data["total_items"] == total  # every demo service has an LGSL term, counted once
    data = oruk_a.get(
        "/openreferral/service_at_locations", {"taxonomy_term_id": home_care.id}
    ).json()
    assert {s["service"]["name"] for s in data["contents"]} == expected
    assert_valid_page(data, "service_at_locations")
    data = oruk_a.get("/openreferral/taxonomy_terms", {"taxonomy_id": lgsl.id}).json()
    assert data["total_items"] == len(LGSL_TERMS)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"per_page": "501"}, "per_page"),
        ({"taxonomy_term_id": "nope"}, "taxonomy_term_id"),
        ({"taxonomy_id": "nope"}, "taxonomy_id"),
    ],
)
def test_bad_parameters_are_400_in_the_envelope(oruk_a, params, field):
    response = oruk_a.get("/openreferral/services", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]


def test_missing_objects_and_writes_are_enveloped(oruk_a):
    response = oruk_a.get("/openreferral/services/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = oruk_a.get("/openreferral/services/not-a-uuid")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = oruk_a.post("/openreferral/services", {})
    assert response.status_code in (403, 405) and "error" in response.json()


def test_open_with_cors(oruk_a):
    response = oruk_a.get("/openreferral/services", HTTP_ORIGIN="https://example.org")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "endpoint", ["services", "service_at_locations", "taxonomies", "taxonomy_terms"]
)
def test_constant_queries_per_page(oruk_a, endpoint):
    counts = []
    for per_page in (1, 40):
        with CaptureQueriesContext(connection) as ctx:
            response = oruk_a.get(f"/openreferral/{endpoint}", {"per_page": per_page})
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_service_detail_query_count(oruk_a, directory_a, django_assert_max_num_queries):
    """One query per related list (the service's own phones among them), whatever their size."""
    with schema_context(directory_a.schema_name):
        service_id = Service.objects.first().id
    with django_assert_max_num_queries(18):
        assert oruk_a.get(f"/openreferral/services/{service_id}").status_code == 200


def test_filtered_services_page_has_a_fixed_query_count(
    oruk_a, directory_a, django_assert_num_queries
):
    """The page, the count and the request's own overhead: the same for any page size."""
    with schema_context(directory_a.schema_name):
        term_id = TaxonomyTerm.objects.get(name="Home care").id
    params = {"taxonomy_term_id": term_id, "text": "a"}
    with CaptureQueriesContext(connection) as ctx:
        oruk_a.get("/openreferral/services", {**params, "per_page": 2})
    with django_assert_num_queries(len(ctx.captured_queries)):
        oruk_a.get("/openreferral/services", {**params, "per_page": 50})


@pytest.mark.parametrize(
    "endpoint", ["services", "service_at_locations", "taxonomies", "taxonomy_terms"]
)
def test_council_b_cannot_see_council_a_directory(directory_a, council_b, endpoint):
    oruk_b = Client(HTTP_HOST=council_b.primary_domain)
    missing = oruk_b.get(f"/openreferral/{endpoint}/00000000-0000-0000-0000-000000000000")
    for object_id in _ids(directory_a, endpoint)[:3]:
        response = oruk_b.get(f"/openreferral/{endpoint}/{object_id}")
        assert response.status_code == missing.status_code == 404
        assert response.json() == missing.json()
    listing = oruk_b.get(f"/openreferral/{endpoint}").json()
    assert listing["total_items"] == 0 and listing["empty"]
    assert_valid_page(listing, endpoint)


def test_service_detail_has_contacts_schedules_costs_areas_languages(oruk_a, directory_a):
    with schema_context(directory_a.schema_name):
        service = Service.objects.get(name="Home care visits (North)")
    data = oruk_a.get(f"/openreferral/services/{service.id}").json()
    assert_valid(data, DETAIL_SCHEMAS["services"])
    assert data["contacts"][0]["title"] == "Service coordinator"
    assert data["contacts"][0]["phones"][0]["number"] == "01234 567891"
    schedule = data["service_at_locations"][0]["schedules"][0]
    assert (schedule["freq"], schedule["byday"], schedule["opens_at"]) == (
        "WEEKLY",
        "MO,TU,WE,TH,FR",
        "09:00",
    )
    assert data["cost_options"][0]["amount"] == 15.0
    area = data["service_areas"][0]
    assert area["extent"] == directory_a.gss_code and area["uri"].endswith(directory_a.gss_code)
    assert data["languages"] == [
        {
            "id": data["languages"][0]["id"],
            "service_id": str(service.id),
            "name": "English",
            "code": "en",
        }
    ]
    eligibility = {
        a["taxonomy_term"]["name"]
        for a in data["attributes"]
        if a["taxonomy_term"]["taxonomy"] == "Open Eligibility"
    }
    assert eligibility == {"Older adults"}


def test_postcode_and_proximity(oruk_a, directory_a):
    from commissioning.providers.models import Organization, ServiceArea

    with schema_context(directory_a.schema_name):
        total = Service.objects.count()
        elsewhere = Service.objects.create(
            organization=Organization.objects.first(), name="Elsewhere only", description="x"
        )
        ServiceArea.objects.create(service=elsewhere, name="Elsewhere", gss_code="E06000099")
        no_area = Service.objects.create(
            organization=Organization.objects.first(), name="Anywhere", description="x"
        )
    # postcode only: services covering it, and services with no service area
    data = oruk_a.get("/openreferral/services", {"postcode": "dm11na", "per_page": 500}).json()
    names = {s["name"] for s in data["contents"]}
    assert (
        data["total_items"] == total + 1 and "Anywhere" in names and "Elsewhere only" not in names
    )
    assert_valid_page(data, "services")
    # with proximity: only services at a location within that many metres (North hub is at the
    # postcode; South is ~4.5 km away, Central ~2.5 km)
    near = oruk_a.get("/openreferral/services", {"postcode": "DM1 1NA", "proximity": "1000"}).json()
    assert near["total_items"] == 14 and all("(North)" in s["name"] for s in near["contents"])
    wider = oruk_a.get("/openreferral/services", {"postcode": "DM1 1NA", "proximity": "3000"})
    assert wider.json()["total_items"] == 28
    sal = oruk_a.get(
        "/openreferral/service_at_locations", {"postcode": "DM1 1NA", "proximity": "1000"}
    ).json()
    assert sal["total_items"] == 14
    assert_valid_page(sal, "service_at_locations")
    far = oruk_a.get("/openreferral/services", {"postcode": "DM9 9FA", "proximity": "5000"})
    assert far.json()["total_items"] == 0
    assert no_area.id and elsewhere.id


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"postcode": "ZZ9 9ZZ"}, "postcode"),
        ({"proximity": "1000"}, "proximity"),
        ({"postcode": "DM1 1NA", "proximity": "far"}, "proximity"),
        ({"postcode": "DM1 1NA", "proximity": "0"}, "proximity"),
    ],
)
def test_bad_place_parameters_are_400(oruk_a, params, field):
    response = oruk_a.get("/openreferral/services", params)
    assert response.status_code == 400 and field in response.json()["error"]["fields"]


def test_place_filtered_page_has_a_fixed_query_count(oruk_a, django_assert_num_queries):
    params = {"postcode": "DM1 1NA", "proximity": "3000", "text": "a"}
    with CaptureQueriesContext(connection) as ctx:
        oruk_a.get("/openreferral/services", {**params, "per_page": 2})
    with django_assert_num_queries(len(ctx.captured_queries)):
        oruk_a.get("/openreferral/services", {**params, "per_page": 50})
