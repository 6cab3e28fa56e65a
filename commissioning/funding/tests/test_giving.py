"""360Giving: imports validated against the standard's schema (every error with its JSON path,
nothing imported from an invalid file), who funds what in the area, and the council's own feed
at /api/v1/360giving/grants.json, valid against the package schema."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from commissioning.funding import actions, giving
from commissioning.funding.models import ExternalGrant, GrantsImport

SHARED_360 = Path("/work/shared/standards/360giving/schema")


def _grant(n: int, **extra) -> dict:
    return {
        "id": f"360G-funder-{n}",
        "title": f"Grant {n}",
        "description": "A grant",
        "currency": "GBP",
        "amountAwarded": 1000 * n,
        "awardDate": "2025-04-01",
        "recipientOrganization": [{"id": f"GB-CHC-{n}", "name": f"Charity {n}"}],
        "fundingOrganization": [{"id": "GB-CHC-999", "name": "Big Funder"}],
        "beneficiaryLocation": [{"name": "Ward", "geoCode": "E05900001", "geoCodeType": "WD"}],
        **extra,
    }


def _package(grants) -> bytes:
    return json.dumps({"grants": grants, "publisher": {"name": "Big Funder"}}).encode()


def _full_validator():
    """The package schema exactly as published, as any 360Giving user would run it."""
    schema_dir = giving.SCHEMA_DIR
    package = json.loads((schema_dir / "360-giving-package-schema.json").read_text())
    grant = json.loads((schema_dir / "360-giving-schema.json").read_text())
    resource = DRAFT202012.create_resource(grant)
    registry = Registry().with_resources(
        [(grant["$id"], resource), (package["properties"]["grants"]["items"]["$ref"], resource)]
    )
    return Draft202012Validator(package, registry=registry, format_checker=FormatChecker())


def test_an_invalid_file_names_every_error_by_json_path_and_imports_nothing(
    client_a, council_a, in_council
):
    bad = _grant(2)
    del bad["currency"]
    bad["amountAwarded"] = "lots"
    worse = _grant(3)
    del worse["recipientOrganization"]
    upload = SimpleUploadedFile("grants.json", _package([_grant(1), bad, worse]))
    response = client_a.post("/api/v1/funding/grants-data/import/", {"file": upload})
    assert response.status_code == 400
    problems = response.json()["error"]["fields"]["file"]
    assert "$.grants[1].amountAwarded: 'lots' is not of type 'number'" in problems
    assert "$.grants[1]: 'currency' is a required property" in problems
    assert any(p.startswith("$.grants[2]: ") and "recipientOrganization" in p for p in problems)
    assert not any(p.startswith("$.grants[0]") for p in problems)
    with in_council(council_a):
        assert ExternalGrant.objects.count() == 0 and GrantsImport.objects.count() == 0


def test_the_split_validation_agrees_with_the_whole_schema():
    cases = [
        {"grants": [_grant(1)]},
        {"grants": []},
        {"grants": [_grant(1), _grant(1)]},
        {"grants": [{**_grant(1), "awardDate": "01/04/2025"}]},
        {"grants": [_grant(1)], "version": "one"},
        {"grants": [{**_grant(1), "recipientIndividual": [{"id": "x", "name": "y"}]}]},
    ]
    for package in cases:
        whole = sorted(e.json_path for e in _full_validator().iter_errors(package))
        parts = sorted(p.split(": ", 1)[0] for p in giving.problems_of(package))
        assert bool(whole) == bool(parts), (package, whole, parts)


def test_import_shows_who_funds_what_in_the_area(client_a, client_b, council_a, in_council):
    from intelligence.warehouse.actions import save_area

    with in_council(council_a):
        save_area(code="E05900001", name="Ward 1", kind="ward", parent_code=council_a.gss_code)
    elsewhere = _grant(4, beneficiaryLocation=[{"name": "Far", "geoCode": "E05999999"}])
    other_funder = _grant(5, fundingOrganization=[{"id": "GB-COH-1", "name": "Small Trust"}])
    upload = SimpleUploadedFile(
        "grants.json", _package([_grant(1), _grant(2), elsewhere, other_funder])
    )
    response = client_a.post("/api/v1/funding/grants-data/import/", {"file": upload})
    assert response.status_code == 201, response.content
    assert response.json()["grants"] == 4
    funders = client_a.get("/api/v1/funding/grants-data/funders/").json()["results"]
    assert [(f["funder_name"], f["grants"], Decimal(f["total"])) for f in funders] == [
        ("Small Trust", 1, Decimal("5000")),
        ("Big Funder", 2, Decimal("3000")),
    ]
    assert client_b.get("/api/v1/funding/grants-data/funders/").json()["results"] == []
    listed = client_a.get("/api/v1/funding/grants-data/?area=E05999999").json()["results"]
    assert [g["grant_id"] for g in listed] == ["360G-funder-4"]
    # Importing the same grants again replaces them (by id), never doubles them.
    again = SimpleUploadedFile("grants.json", _package([_grant(1)]))
    client_a.post("/api/v1/funding/grants-data/import/", {"file": again})
    with in_council(council_a):
        assert ExternalGrant.objects.count() == 4


def _shared_validator():
    """The package schema from the workspace's shared standards folder (../shared/standards/
    360giving/), the grant schema resolved locally: the export is checked against the standard
    as published there, not only against the app's copy."""
    root = SHARED_360 if SHARED_360.exists() else giving.SCHEMA_DIR
    package = json.loads((root / "360-giving-package-schema.json").read_text())
    grant = json.loads((root / "360-giving-schema.json").read_text())
    resource = DRAFT202012.create_resource(grant)
    registry = Registry().with_resources(
        [(grant["$id"], resource), (package["properties"]["grants"]["items"]["$ref"], resource)]
    )
    return Draft202012Validator(package, registry=registry, format_checker=FormatChecker())


def test_the_feed_is_a_valid_package_of_the_councils_own_grants(
    anon_client_a, client_b, council_a, in_council
):
    from tenants.actions import set_org_id

    set_org_id(council_a, "GB-LAE-ALF")
    with in_council(council_a):
        for n in range(3):
            actions.award_grant(
                title=f"Ward grant {n}",
                description="Summer play scheme",
                amount_awarded=Decimal("1250.50") if n == 0 else Decimal(2000),
                award_date=datetime.date(2025, 6, 1),
                recipient_name=f"Group {n}",
                beneficiary_geo=["E05900001"],
                source="ward_budget" if n else "direct",
                programme="Ward budgets",
            )
    response = anon_client_a.get("/api/v1/360giving/grants.json")
    assert response.status_code == 200
    package = response.json()
    assert list(_full_validator().iter_errors(package)) == []
    assert list(_shared_validator().iter_errors(package)) == []
    assert len(package["grants"]) == 3
    # The funder is the council by its org-id from England's local authority register.
    assert package["grants"][0]["fundingOrganization"][0]["id"] == "GB-LAE-ALF"
    assert package["publisher"]["identifier"] == "GB-LAE-ALF"
    assert (
        package["grants"][0]["id"]
        == f"360G-{council_a.slug}-{package['grants'][0]['id'].rsplit('-', 1)[1]}"
    )
    assert package["grants"][0]["amountAwarded"] == 1250.5
    assert package["grants"][0]["fundingOrganization"][0]["name"] == council_a.name
    assert package["grants"][1]["beneficiaryLocation"][0]["geoCodeType"] == "WD"
    b = client_b.get("/api/v1/360giving/grants.json")
    assert b.status_code == 404  # B's feed: only B's grants, and B has made none


def test_awarding_a_grant_checks_its_fields(client_a):
    response = client_a.post(
        "/api/v1/funding/grants/",
        {
            "title": "T",
            "description": "D",
            "amount_awarded": "-5",
            "award_date": "2025-02-30",
            "recipient_name": "R",
            "beneficiary_geo": ["nowhere"],
            "currency": "0",  # schemathesis found this one: a 500 from the feed's schema
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    fields = {f.split(".")[0] for f in response.json()["error"]["fields"]}
    assert fields >= {"amount_awarded", "award_date", "beneficiary_geo", "currency"}
    ok = client_a.post(
        "/api/v1/funding/grants/",
        {
            "title": "T",
            "description": "D",
            "amount_awarded": "500",
            "award_date": "2025-02-03",
            "recipient_name": "R",
        },
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content


def test_a_council_with_no_grants_publishes_no_invalid_package(council_b):
    """The 360Giving package schema (minItems 1) rejects an empty ``grants`` list, so the feed of
    a council that has made no grants answers 404 ``no_grants`` with the reason instead of an
    invalid package. The copy we validate with is the standard's, unchanged."""
    empty = {"version": "1.4", "grants": []}
    assert [e.validator for e in _full_validator().iter_errors(empty)] == ["minItems"]
    if SHARED_360.exists():  # the shared standards folder of the workspace, when present
        for path in SHARED_360.glob("*.json"):
            assert (giving.SCHEMA_DIR / path.name).read_bytes() == path.read_bytes()
    from django.test import Client

    response = Client(HTTP_HOST=council_b.primary_domain).get("/api/v1/360giving/grants.json")
    assert response.status_code == 404
    body = response.json()
    assert body["error"]["code"] == "no_grants" and "no grants" in body["error"]["message"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_council_without_an_org_id_publishes_no_made_up_funder_id(
    anon_client_a, council_a, in_council
):
    """360Giving needs the funder's org-id: until platform staff record the council's, the feed
    answers 409 ``no_org_id`` with the reason (never a GB-GSS- placeholder, which no register
    of org-id.guide holds)."""
    with in_council(council_a):
        actions.award_grant(
            title="Ward grant",
            description="Play scheme",
            amount_awarded=Decimal(100),
            award_date=datetime.date(2025, 6, 1),
            recipient_name="Group",
        )
    response = anon_client_a.get("/api/v1/360giving/grants.json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_org_id"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert b"GB-GSS" not in response.content


def test_the_openapi_document_gives_the_feed_s_409_no_org_id_and_404_no_grants():
    """The council API's OpenAPI document (drf-spectacular) says what the feed answers besides
    the package: 409 ``no_org_id`` and 404 ``no_grants``, each in the error envelope."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(urlconf="platform_core.urls_tenant").get_schema(
        request=None, public=True
    )
    responses = schema["paths"]["/api/v1/360giving/grants.json"]["get"]["responses"]
    envelope = {"$ref": "#/components/schemas/ErrorResponse"}
    for code, error in (("409", "no_org_id"), ("404", "no_grants")):
        assert error in responses[code]["description"], (code, responses[code])
        assert responses[code]["content"]["application/json"]["schema"] == envelope
    assert "application/json" in responses["200"]["content"]


def test_closed_codelists_are_checked_with_their_json_paths_and_nothing_is_imported(
    client_a, council_a, in_council
):
    """JSON Schema leaves the standard's closed codelists (``"openCodelist": false``) to the
    publisher; 360Giving's data quality tool treats a code outside them as an error, and so
    does the import, at the value's JSON path."""
    package = _package(
        [
            _grant(1, locationScope="GLS010", regrantType="FRG010"),
            _grant(2, locationScope="GLS999"),
            _grant(3, regrantType="regrant"),
        ]
    )
    # The plain schema accepts it: only the codelists make it invalid.
    assert list(_full_validator().iter_errors(json.loads(package))) == []
    upload = SimpleUploadedFile("grants.json", package)
    response = client_a.post("/api/v1/funding/grants-data/import/", {"file": upload})
    assert response.status_code == 400, response.content
    problems = response.json()["error"]["fields"]["file"]
    assert problems == [
        "$.grants[1].locationScope: 'GLS999' is not a code of the standard's "
        "locationScope.csv codelist",
        "$.grants[2].regrantType: 'regrant' is not a code of the standard's "
        "regrantType.csv codelist",
    ]
    with in_council(council_a):
        assert ExternalGrant.objects.count() == 0 and GrantsImport.objects.count() == 0
    good = SimpleUploadedFile("grants.json", _package([_grant(1, locationScope="GLS010")]))
    assert client_a.post("/api/v1/funding/grants-data/import/", {"file": good}).status_code == 201


def test_a_currency_360giving_does_not_accept_is_refused_and_the_feed_stays_valid(
    client_a, anon_client_a, council_a, in_council
):
    """Three capitals are not enough: a grant in a currency outside the standard's list would
    make the whole feed invalid, so it is refused on its field."""
    from tenants.actions import set_org_id

    set_org_id(council_a, "GB-LAE-ALF")
    body = {
        "title": "T",
        "description": "D",
        "amount_awarded": "500",
        "award_date": "2025-02-03",
        "recipient_name": "R",
    }
    bad = client_a.post(
        "/api/v1/funding/grants/", {**body, "currency": "XYZ"}, content_type="application/json"
    )
    assert bad.status_code == 400, bad.content
    assert "'XYZ' is not an ISO 4217 currency code 360Giving accepts" in str(
        bad.json()["error"]["fields"]["currency"]
    )
    ok = client_a.post(
        "/api/v1/funding/grants/", {**body, "currency": "EUR"}, content_type="application/json"
    )
    assert ok.status_code == 201, ok.content
    package = anon_client_a.get("/api/v1/360giving/grants.json").json()
    assert [g["currency"] for g in package["grants"]] == ["EUR"]
    assert list(_shared_validator().iter_errors(package)) == []


def test_the_feed_names_its_areas_and_takes_geo_code_types_from_the_codelist(
    anon_client_a, council_a, in_council
):
    import csv

    from intelligence.warehouse.actions import save_area
    from tenants.actions import set_org_id

    set_org_id(council_a, "GB-LAE-ALF")
    with in_council(council_a):
        save_area(code="E05900001", name="Ward 1", kind="ward", parent_code=council_a.gss_code)
        actions.award_grant(
            title="Ward grant",
            description="Play scheme",
            amount_awarded=Decimal(100),
            award_date=datetime.date(2025, 6, 1),
            recipient_name="Group",
            # a ward, a Northern Ireland ward (N08: not in the codelist), an LSOA
            beneficiary_geo=["E05900001", "N08000101", "E01000001"],
        )
    package = anon_client_a.get("/api/v1/360giving/grants.json").json()
    assert package["grants"][0]["beneficiaryLocation"] == [
        {"name": "Ward 1", "geoCode": "E05900001", "geoCodeType": "WD"},
        {"name": "N08000101", "geoCode": "N08000101"},
        {"name": "E01000001", "geoCode": "E01000001", "geoCodeType": "LSOA"},
    ]
    codes = {
        row["Code"]
        for row in csv.DictReader(
            ((SHARED_360 if SHARED_360.exists() else giving.SCHEMA_DIR).parent / "codelists")
            .joinpath("geoCodeType.csv")
            .open(encoding="utf-8")
        )
    }
    for grant in package["grants"]:
        for location in grant["beneficiaryLocation"]:
            assert location.get("geoCodeType", "WD") in codes
    assert list(_shared_validator().iter_errors(package)) == []


def test_recipients_are_identified_from_their_register_numbers_and_the_same_name_once(
    anon_client_a, council_a, in_council
):
    """360Giving asks for the recipient's org-id from the register that issued its number; a
    group with none keeps one identifier across its grants (not one per grant)."""
    from tenants.actions import set_org_id

    set_org_id(council_a, "GB-LAE-ALF")
    recipients = [
        {"recipient_name": "Given Id", "recipient_org_id": "GB-CHC-1000001"},
        {"recipient_name": "Riverside Trust", "recipient_charity_number": "1123456"},
        {"recipient_name": "Glen Trust", "recipient_charity_number": "sc 012345"},
        {"recipient_name": "Makers Ltd", "recipient_company_number": "01234567"},
        {"recipient_name": "Friends of the Park"},
        {"recipient_name": "Friends of the Park", "recipient_charity_number": "not a number"},
    ]
    with in_council(council_a):
        for values in recipients:
            actions.award_grant(
                title="Grant",
                description="A grant",
                amount_awarded=Decimal(100),
                award_date=datetime.date(2025, 6, 1),
                **values,
            )
    package = anon_client_a.get("/api/v1/360giving/grants.json").json()
    ids = [g["recipientOrganization"][0]["id"] for g in package["grants"]]
    prefix = f"360G-{council_a.slug}-org-"
    assert ids == [
        "GB-CHC-1000001",
        "GB-CHC-1123456",
        "GB-SC-SC012345",
        "GB-COH-01234567",
        prefix + "friends-of-the-park",
        prefix + "friends-of-the-park",
    ]
    assert list(_shared_validator().iter_errors(package)) == []


@pytest.mark.parametrize(
    "area", ["E\uff10\uff15900001", "E05\u0669\u0660\u0660\u0660\u0660\u0661", "E0590000\u00b9"]
)
def test_an_area_with_digits_other_than_ascii_is_refused_naming_it(client_a, area):
    """Identifiers are ASCII-strict (docs/security.md): ``str.isdigit`` also accepts
    fullwidth, Arabic-Indic and superscript digits, which named no area and answered an empty
    200 as if the code were real."""
    for path in ("/api/v1/funding/grants-data/", "/api/v1/funding/grants-data/funders/"):
        response = client_a.get(path, {"area": area})
        assert response.status_code == 400, (path, response.content)
        assert "is not a GSS code" in response.json()["error"]["fields"]["area"][0]
    assert client_a.get("/api/v1/funding/grants-data/", {"area": "E05900001"}).status_code == 200
