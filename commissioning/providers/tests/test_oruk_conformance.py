"""Every /openreferral/ response validated the way a client checks a feed: the whole response
against the schema ORUK's own openapi.json names for its path (the page envelope and its
contents together), with the profile's references resolved to the official schemas copied in
tests/oruk_schema (UK profile at ecdfabf). Run over a directory with the awkward entries real
data has (blank required descriptions from an imported feed, a location with no coordinates or
address, a service with no terms, contacts and schedules with one field), every filter, a page
past the end, and a neighbour's shared copies."""

import json
from pathlib import Path

import pytest
from django.test import Client
from django_tenants.utils import schema_context
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from commissioning.providers import sharing
from commissioning.providers.demo import seed_demo
from commissioning.providers.importer import import_feed
from commissioning.providers.models import (
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Postcode,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceTerm,
    Taxonomy,
    TaxonomyTerm,
)

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "oruk_schema"
PROFILE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
OPENAPI_URI = PROFILE + "openapi.json"
OPENAPI = json.loads((SCHEMAS / "openapi.json").read_text())
EXAMPLES = Path(__file__).parent / "feeds"


def _registry() -> Registry:
    """The profile's schemas at the addresses openapi.json refers to them by."""
    where = {
        "openapi.json": OPENAPI_URI,
        "taxonomy.json": PROFILE + "taxonomy.json",
        "taxonomy_term.json": PROFILE + "taxonomy_term.json",
    }
    resources = []
    for path in SCHEMAS.glob("*.json"):
        uri = where.get(path.name, PROFILE + "compiled/" + path.name)
        contents = json.loads(path.read_text())
        resources.append((uri, Resource.from_contents(contents, DRAFT202012)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def _pointer(path: str) -> str:
    return path.replace("~", "~0").replace("/", "~1")


def openapi_validator(path: str, schema_uri: str | None = None) -> Draft202012Validator:
    """A validator for the 200 response of GET ``path`` as openapi.json defines it."""
    ref = schema_uri or (
        f"{OPENAPI_URI}#/paths/{_pointer(path)}/get/responses/200/content/application~1json/schema"
    )
    return Draft202012Validator({"$ref": ref}, registry=REGISTRY, format_checker=FormatChecker())


# /service_at_locations/{id}: openapi.json at ecdfabf names compiled/service.json (a service),
# which requires ``name`` and ``status``; the profile's own example of the response
# (examples/service_at_location_full.json) and the entity it serves are a service-at-location.
# The API answers a service-at-location, validated against compiled/service_at_location.json.
SAL_DETAIL = PROFILE + "compiled/service_at_location.json"


def errors(validator, data) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def test_openapi_names_a_service_schema_for_a_service_at_location_the_example_breaks_it():
    """Why /service_at_locations/{id} is validated against service_at_location.json: the
    profile's openapi.json names the service schema, which its own example does not meet."""
    response = OPENAPI["paths"]["/service_at_locations/{id}"]["get"]["responses"]["200"]
    ref = response["content"]["application/json"]["schema"]["$ref"]
    assert ref == PROFILE + "compiled/service.json"
    # the shape of the profile's examples/service_at_location_full.json: id, location, service
    example = {
        "id": "3f7b145d-84af-42d7-8fae-eaca714b02b2",
        "location": {"id": "3f7b145d-84af-42d7-8fae-eaca714b02b2", "location_type": "physical"},
        "service": {"id": "3f7b145d-84af-42d7-8fae-eaca714b02b2", "name": "x", "status": "active"},
    }
    assert errors(openapi_validator("/service_at_locations/{id}"), example)
    assert errors(openapi_validator("", SAL_DETAIL), example) == []


@pytest.fixture
def awkward_a(council_a):
    """The demo directory plus the entries that test the edges of the schemas."""
    with schema_context(council_a.schema_name):
        seed_demo(council_a)
        # as an imported feed leaves them: required descriptions present but blank
        bare = Taxonomy.objects.create(name="Bare taxonomy", description="")
        parent = TaxonomyTerm.objects.create(taxonomy=bare, name="Parent", description="")
        child = TaxonomyTerm.objects.create(
            taxonomy=bare, name="Child", description="", parent=parent, code="C1"
        )
        org = Organization.objects.create(name="Imported provider", description="")
        virtual = Location.objects.create(location_type="virtual")
        service = Service.objects.create(
            organization=org, name="Phone befriending", status="temporarily closed"
        )
        ServiceTerm.objects.create(service=service, term=child)
        sal = ServiceAtLocation.objects.create(service=service, location=virtual)
        contact = Contact.objects.create(service=service)
        Phone.objects.create(contact=contact, number="0300 000 0000")
        Schedule.objects.create(service=service, byday="MO")
        Schedule.objects.create(service_at_location=sal, freq="MONTHLY")
        CostOption.objects.create(service=service)
        ServiceArea.objects.create(service=service, name="", gss_code=council_a.gss_code)
        Language.objects.create(service=service, code="cy")
        Service.objects.create(organization=org, name="Nothing else", status="defunct")
        postcode = Postcode.objects.filter(latitude__isnull=False).first().postcode
    return council_a, {"taxonomy": bare, "term": child, "service": service}, postcode


def _paths(council, things, postcode):
    term, taxonomy = things["term"], things["taxonomy"]
    lists = {
        "/services": [
            {},
            {"per_page": 500},
            {"text": "care"},
            {"text": "no such words anywhere"},
            {"taxonomy_term_id": str(term.pk)},
            {"taxonomy_id": str(taxonomy.pk)},
            {"postcode": postcode},
            {"postcode": postcode, "proximity": 5000},
            {"page": 2, "per_page": 5},
            {"page": 999},
        ],
        "/service_at_locations": [
            {},
            {"per_page": 500},
            {"text": "befriending"},
            {"taxonomy_term_id": str(term.pk)},
            {"postcode": postcode, "proximity": 200000},
            {"page": 999},
        ],
        "/taxonomies": [{}, {"per_page": 1, "page": 2}],
        "/taxonomy_terms": [{}, {"per_page": 500}, {"taxonomy_id": str(taxonomy.pk)}],
    }
    return lists


def _validate_everything(council, things, postcode) -> dict:
    client = Client(HTTP_HOST=council.primary_domain)
    checked = {}
    root = client.get("/openreferral/", HTTP_ORIGIN="https://x.example")
    assert root.status_code == 200 and root["Access-Control-Allow-Origin"] == "*"
    assert errors(openapi_validator("/"), root.json()) == []
    for path, variants in _paths(council, things, postcode).items():
        validator = openapi_validator(path)
        for params in variants:
            response = client.get("/openreferral" + path, params, HTTP_ORIGIN="https://x.example")
            assert response.status_code == 200, (path, params, response.content[:300])
            assert response["Access-Control-Allow-Origin"] == "*"
            data = response.json()
            assert errors(validator, data) == [], (path, params)
            checked.setdefault(path, set()).update(item["id"] for item in data["contents"])
    detail = {
        "/services": openapi_validator("/services/{id}"),
        "/service_at_locations": openapi_validator("", SAL_DETAIL),
        "/taxonomies": openapi_validator("/taxonomies/{id}"),
        "/taxonomy_terms": openapi_validator("/taxonomy_terms/{id}"),
    }
    for path, ids in checked.items():
        for object_id in ids:
            response = client.get(f"/openreferral{path}/{object_id}")
            assert response.status_code == 200
            assert errors(detail[path], response.json()) == [], (path, object_id)
    return checked


def test_every_response_is_valid_against_the_schema_openapi_names(awkward_a):
    council, things, postcode = awkward_a
    checked = _validate_everything(council, things, postcode)
    # the awkward entries were among those validated, and kept their required fields
    service = things["service"]
    assert str(service.pk) in checked["/services"]
    assert str(things["term"].pk) in checked["/taxonomy_terms"]
    client = Client(HTTP_HOST=council.primary_domain)
    data = client.get(f"/openreferral/services/{service.pk}").json()
    assert data["organization"]["description"] == ""
    assert data["attributes"][0]["taxonomy_term"]["description"] == ""
    assert data["status"] == "temporarily closed"
    term = client.get(f"/openreferral/taxonomy_terms/{things['term'].pk}").json()
    assert term["description"] == "" and term["parent_id"] and term["term"] == "C1"
    taxonomy = client.get(f"/openreferral/taxonomies/{things['taxonomy'].pk}").json()
    assert taxonomy["description"] == ""


def test_a_feed_entry_with_a_blank_required_description_is_refused_with_its_path(council_a):
    """ORUK's schema accepts an empty organisation or term description; the directory keeps
    them required, so such an entry is refused alone, naming the paths, and nothing of it is
    written (the API never has a blank one of its own making to publish)."""
    feed = json.loads((EXAMPLES / "uk_service_full.json").read_text())
    feed["organization"]["description"] = ""
    feed["attributes"][0]["taxonomy_term"]["description"] = ""
    with schema_context(council_a.schema_name):
        result = import_feed(json.dumps(feed).encode(), source="blank.json")
        assert not Service.objects.filter(pk=feed["id"]).exists()
        assert not Organization.objects.filter(pk=feed["organization"]["id"]).exists()
    [refused] = result.refused
    paths = {e["path"] for e in refused["errors"]}
    assert "$.organization.description" in paths
    response = Client(HTTP_HOST=council_a.primary_domain).get(
        f"/openreferral/services/{feed['id']}"
    )
    assert response.status_code == 404


def test_a_neighbours_shared_copies_are_valid_too(awkward_a, council_b):
    """B's directory lists A's shared entries (the awkward service among them): B's pages and
    the copies' details are valid against the same schemas."""
    council_a, things, _ = awkward_a
    with schema_context(council_a.schema_name):
        organisation = things["service"].organization
        sharing.share("test", kind="organization", entry_id=organisation.pk, councils=[council_b])
    with schema_context(council_b.schema_name):
        seed_demo(council_b)
        postcode = Postcode.objects.filter(latitude__isnull=False).first().postcode
        own = Service.objects.count()
    checked = _validate_everything(council_b, things, postcode)
    assert str(things["service"].pk) in checked["/services"]
    client = Client(HTTP_HOST=council_b.primary_domain)
    everything = client.get("/openreferral/services", {"per_page": 500}).json()
    assert everything["total_items"] == own + 2  # A's imported provider's two services


def test_cors_on_errors_and_preflight(awkward_a):
    """A browser on another site can read the errors too (400, 404, 405), and a preflight is
    answered for every ORUK path."""
    council, _things, _ = awkward_a
    client = Client(HTTP_HOST=council.primary_domain)
    origin = {"HTTP_ORIGIN": "https://another-directory.example"}
    for path, status in (
        ("/openreferral/services?per_page=0", 400),
        ("/openreferral/services?taxonomy_term_id=nope", 400),
        ("/openreferral/services?postcode=ZZ99+9ZZ", 400),
        ("/openreferral/services/00000000-0000-0000-0000-000000000000", 404),
        ("/openreferral/taxonomy_terms/not-an-id", 404),
    ):
        response = client.get(path, **origin)
        assert response.status_code == status, path
        assert response["Access-Control-Allow-Origin"] == "*", path
        assert response.json()["error"]["message"], path
    response = client.delete("/openreferral/services", **origin)
    assert response.status_code == 405 and response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/openreferral/service_at_locations",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        **origin,
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]


@pytest.mark.parametrize(
    "path", ["/services", "/service_at_locations", "/taxonomies", "/taxonomy_terms"]
)
def test_a_page_number_too_large_for_the_database_is_a_400_naming_page(awkward_a, path):
    """A page of 10**23 overflowed PostgreSQL's OFFSET and was a 500; a far page that fits is
    still an empty page."""
    council, _things, _ = awkward_a
    client = Client(HTTP_HOST=council.primary_domain)
    response = client.get("/openreferral" + path, {"page": "99999999999999999999999"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"page": ["must be 1000000000 or less."]}
    far = client.get("/openreferral" + path, {"page": 1000000000, "per_page": 500})
    assert far.status_code == 200
    data = far.json()
    assert data["empty"] and data["contents"] == [] and data["total_items"] > 0
