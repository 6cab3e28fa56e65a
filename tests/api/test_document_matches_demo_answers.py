"""What the council document promises holds for the answers the demo data gives.

An outside run of schemathesis against `make run`'s demo councils (every check, 1 Dec 2026) found
answers the document did not describe, on data the in-process run did not seed (commissions at
every stage, participatory budgets counted and published, master-data review pairs):
``award_value`` null before an award, a commission's bids a plain list documented as a page, a
review pair's other side null, participatory budget amounts as JSON numbers where the document
says decimal strings, an erasure's receipt documented as a golden person, a subject access
request's 201 undocumented, a budget's page filters documented on one budget, and a KPI's
``metric_id`` accepted as a number. Each response here is checked against the document with
schemathesis' own response validation (what the run's ``response_schema_conformance`` and
``status_code_conformance`` use).
"""

import json

import pytest
import requests
import yaml
from django.test import Client

pytestmark = pytest.mark.django_db


def _document(host: str) -> dict:
    response = Client(HTTP_HOST=host).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _conforms(schema, method: str, template: str, response) -> None:
    """Raises (naming what is wrong) unless ``response`` is what the document says
    ``method template`` answers."""
    from schemathesis.core.transport import Response

    sent = Response(
        status_code=response.status_code,
        headers={name: [value] for name, value in response.items()},
        content=response.content,
        request=requests.Request(method, "http://testserver/").prepare(),
        elapsed=0.0,
        verify=True,
    )
    schema[template][method].validate_response(sent)


@pytest.fixture
def demo_a(council_a, in_council):
    """Council A with the demo's commissioning, participation and master data."""
    from commissioning.commissions.demo import seed_demo as commissions
    from commissioning.ledgers.demo import seed_demo as ledgers
    from commissioning.participation.demo import seed_demo as participation
    from commissioning.providers.demo import seed_demo as providers
    from intelligence.masterdata.demo import seed_demo as masterdata
    from intelligence.warehouse.demo import seed_demo as warehouse

    with in_council(council_a):
        for seed in (warehouse, ledgers, providers, commissions, participation, masterdata):
            seed(council_a)
    return council_a


@pytest.fixture
def every_role_a(demo_a, in_council):
    """A council administrator with every role (as the schemathesis run signs in)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    with in_council(demo_a):
        user = get_user_model().objects.create_user(
            "every-role@alphaford.example", email="every-role@alphaford.example", is_staff=True
        )
        user.groups.set(Group.objects.all())
        token = Token.objects.create(user=user).key
    return Client(HTTP_HOST=demo_a.primary_domain, HTTP_AUTHORIZATION=f"Token {token}")


@pytest.fixture
def schema_a(demo_a):
    import schemathesis

    return schemathesis.openapi.from_dict(_document(demo_a.primary_domain))


def test_commissions_and_their_bids_answer_as_documented(demo_a, schema_a, client_a, in_council):
    from commissioning.commissions.models import Commission

    api = "/api/v1/commissioning/commissions/"
    listing = client_a.get(api, {"page_size": 100})
    assert listing.status_code == 200
    assert None in [c["award_value"] for c in listing.json()["results"]]  # not vacuous
    _conforms(schema_a, "GET", api, listing)
    with in_council(demo_a):
        planned = Commission.objects.filter(stage="planning").first()
        opened = Commission.objects.exclude(stage__in=["planning", "tender"]).first()
    detail = client_a.get(f"{api}{planned.pk}/")
    assert detail.json()["award_value"] is None
    _conforms(schema_a, "GET", api + "{id}/", detail)
    sealed = client_a.get(f"{api}{planned.pk}/bids/")
    assert sealed.status_code == 409
    _conforms(schema_a, "GET", api + "{id}/bids/", sealed)
    bids = client_a.get(f"{api}{opened.pk}/bids/")
    assert bids.status_code == 200 and isinstance(bids.json(), list) and bids.json()
    _conforms(schema_a, "GET", api + "{id}/bids/", bids)
    # Not a page: no page parameters promised.
    names = [p.name for p in schema_a[api + "{id}/bids/"]["GET"].query]
    assert "page_size" not in names and "page" not in names


def test_a_budgets_document_has_no_list_filters(schema_a):
    api = "/api/v1/commissioning/budgets/"
    assert {p.name for p in schema_a[api]["GET"].query} >= {"commissioner", "financial_year"}
    for template in (api + "{id}/", api + "{id}/ledger/"):
        assert "commissioner" not in [p.name for p in schema_a[template]["GET"].query]


def test_participatory_budget_results_are_decimal_strings(demo_a, schema_a, client_a, in_council):
    from commissioning.participation.models import Process

    with in_council(demo_a):
        counted = Process.objects.filter(counted_at__isnull=False).first()
    assert counted is not None
    api = "/api/v1/participation/processes/"
    results = client_a.get(f"{api}{counted.pk}/results/")
    assert results.status_code == 200
    body = results.json()
    assert isinstance(body["budget"], str) and isinstance(body["spent"], str)
    assert body["projects"] and all(isinstance(p["cost"], str) for p in body["projects"])
    _conforms(schema_a, "GET", api + "{id}/results/", results)


def test_review_pairs_erasure_and_subject_access_answer_as_documented(
    demo_a, schema_a, every_role_a, in_council
):
    client_a = every_role_a
    from intelligence.masterdata.models import GoldenPerson

    seen = []
    for kind, other in (("people", "place_record"), ("places", "person_a")):
        review = client_a.get("/api/v1/masterdata/review/", {"kind": kind, "page_size": 100})
        assert review.status_code == 200
        if review.json()["results"]:
            seen.append(kind)
            assert {p[other] for p in review.json()["results"]} == {None}  # the other side
            _conforms(schema_a, "GET", "/api/v1/masterdata/review/", review)
    assert seen  # not vacuous
    pair = review.json()["results"][0]["id"]
    one = client_a.get(f"/api/v1/masterdata/review/{pair}/")
    _conforms(schema_a, "GET", "/api/v1/masterdata/review/{id}/", one)

    with in_council(demo_a):
        first, second = GoldenPerson.objects.order_by("pk").values_list("pk", flat=True)[:2]
    people = "/api/v1/masterdata/people/"
    sar = client_a.post(
        f"{people}{first}/subject-access/",
        json.dumps({"reference": "SAR-1"}),
        content_type="application/json",
    )
    assert sar.status_code == 201
    _conforms(schema_a, "POST", people + "{id}/subject-access/", sar)
    erased = client_a.post(
        f"{people}{second}/erase/", json.dumps({"reason": "asked"}), content_type="application/json"
    )
    assert erased.status_code == 200 and erased.json()["golden_id"] == second
    _conforms(schema_a, "POST", people + "{id}/erase/", erased)


def test_a_kpis_metric_id_must_be_a_string(council_a, in_council, client_a):
    from intelligence.warehouse.demo import seed_demo as seed_warehouse
    from intelligence.warehouse.models import Kpi

    with in_council(council_a):
        seed_warehouse(council_a)
        kpi = Kpi.objects.first()
    body = {"metric_id": 0, "title": "", "amber_tolerance_percent": 0, "order": 0, "targets": {}}
    for method in ("put", "patch"):
        answer = getattr(client_a, method)(
            f"/api/v1/warehouse/kpis/{kpi.pk}/", json.dumps(body), content_type="application/json"
        )
        assert answer.status_code == 400, answer.content[:300]
        assert answer.json()["error"]["fields"]["metric_id"] == ["A string is required."]


def test_the_ocds_release_pages_document_the_bounds_they_enforce(
    council_a, anon_client_a, schema_a
):
    """page=0 and page_size=1001 are refused (400): the document says so with its bounds (it
    promised any integer; the outside run's positive_data_acceptance found page=0)."""
    api = "/api/v1/ocds/releases/"
    bounds = {p.name: p.definition["schema"] for p in schema_a[api]["GET"].query}
    assert bounds["page"]["minimum"] == 1 and bounds["page"]["maximum"] == 10**6
    assert bounds["page_size"]["minimum"] == 1 and bounds["page_size"]["maximum"] == 1000
    for query in ({"page": 0}, {"page_size": 0}, {"page_size": 1001}, {"page": 10**6 + 1}):
        refused = anon_client_a.get(api, query)
        assert refused.status_code == 400, query
        _conforms(schema_a, "GET", api, refused)


def test_awarding_the_winners_is_documented_as_the_list_it_answers(demo_a):
    """POST processes/{id}/award/ answers the winners as one list (``Response(...many=True)``);
    it was documented as a page (found by the outside run's response_schema_conformance; the
    demo's process is already awarded, so a second award is the documented 409)."""
    document = _document(demo_a.primary_domain)
    award = document["paths"]["/api/v1/participation/processes/{id}/award/"]["post"]
    schema = award["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["type"] == "array", schema
    assert "page_size" not in [p["name"] for p in award.get("parameters", [])]


def test_a_kpi_title_longer_than_200_characters_is_refused_not_a_500(
    council_a, in_council, client_a
):
    from intelligence.warehouse.demo import seed_demo as seed_warehouse
    from intelligence.warehouse.models import Kpi

    with in_council(council_a):
        seed_warehouse(council_a)
        kpi = Kpi.objects.first()
    answer = client_a.patch(
        f"/api/v1/warehouse/kpis/{kpi.pk}/",
        json.dumps({"title": "0" * 201}),
        content_type="application/json",
    )
    assert answer.status_code == 400, answer.content[:300]
    assert "title" in answer.json()["error"]["fields"]


def test_a_prioritys_metric_ids_and_area_codes_are_lists_of_strings(council_a, client_a):
    """They were documented as any JSON value (model JSON fields): a dict was stored as it came.
    Documented and checked as lists of strings now (found by the outside run: null, which the
    document allowed, was refused)."""
    document = _document(council_a.primary_domain)
    fields = document["components"]["schemas"]["PriorityRequest"]["properties"]
    for name in ("metric_ids", "area_codes"):
        assert fields[name]["type"] == "array" and fields[name]["items"]["type"] == "string"
    for bad in ({"a": 1}, None, [1]):
        answer = client_a.post(
            "/api/v1/commissioning/priorities/",
            json.dumps({"title": "T", "weight": 1, "area_codes": bad}),
            content_type="application/json",
        )
        assert answer.status_code == 400, (bad, answer.content[:300])
        assert any(k.startswith("area_codes") for k in answer.json()["error"]["fields"])
