"""The master data API: roles, audited reads, imports, search, review, export, and council B."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from .conftest import people_csv

PEOPLE = [
    "CT1,Robert,Smith,1980-03-04,NS1 2AB,1 High Street,bob@example.org,",
    "CT2,Mary,Jones,1975-06-12,NS2 3CD,2 Mill Road,,",
]
HOUSING = [
    "H1,Bob,Smith,1980-03-04,NS1 2AB,1 High St,bob@example.org,",
    "H2,Mary,Jones,1975-02-31,NS2 3CD,2 Mill Road,,",
]


def _upload(client, data, **fields):
    return client.post(
        "/api/v1/masterdata/imports/",
        {"file": SimpleUploadedFile("f.csv", data, content_type="text/csv"), **fields},
    )


@pytest.fixture
def md_client_a(council_a, md_client_factory):
    return md_client_factory(council_a, username="md@alphaford.example")


@pytest.fixture
def resolved_a(md_client_a):
    response = _upload(
        md_client_a, people_csv(PEOPLE), kind="people", source="council-tax", trust_rank=90
    )
    assert response.status_code == 201
    response = _upload(md_client_a, people_csv(HOUSING), kind="people", source="housing")
    assert response.status_code == 201, response.content
    assert md_client_a.post("/api/v1/masterdata/resolve/", {"kind": "people"}).status_code == 201
    return md_client_a


def test_people_data_needs_the_master_data_role_even_for_administrators(client_a, resolved_a):
    assert client_a.get("/api/v1/masterdata/people/").status_code == 403
    assert _upload(client_a, people_csv(PEOPLE), kind="people", source="x").status_code == 403
    assert client_a.get("/api/v1/masterdata/export/?kind=people").status_code == 403
    assert client_a.get("/api/v1/masterdata/export/?kind=places").status_code == 200


def test_import_through_the_api_reports_warnings_and_rejects_bad_files(md_client_a):
    response = _upload(md_client_a, people_csv(HOUSING), kind="people", source="housing")
    assert response.status_code == 201
    body = response.json()
    assert (body["created"], body["warnings"]) == (
        2,
        [
            "line 3: date_of_birth '1975-02-31' is not a real date (YYYY-MM-DD or DD/MM/YYYY); kept as missing"
        ],
    )
    response = _upload(
        md_client_a, b"source_id,surname,shoe\nA,B,C\nA,B,C\n", kind="people", source="housing"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["fields"]["file"] == [
        "line 1: unknown columns: shoe (allowed: source_id, first_name, surname, date_of_birth, "
        "postcode, address, email, phone)"
    ]
    response = _upload(md_client_a, people_csv(PEOPLE), kind="people")
    assert response.json()["error"]["fields"] == {"source": ["required for people and places"]}


def test_joined_up_view_returns_the_golden_person_with_every_source_record_and_audits_it(
    resolved_a, council_a, in_council
):
    response = resolved_a.get("/api/v1/masterdata/people/?name=bob smith&date_of_birth=1980-03-04")
    assert response.status_code == 200
    [person] = response.json()["results"]
    detail = resolved_a.get(f"/api/v1/masterdata/people/{person['id']}/").json()
    assert detail["first_name"] == "Robert"  # names from the most trusted source (council tax)
    assert sorted((r["source"], r["source_id"]) for r in detail["records"]) == [
        ("council-tax", "CT1"),
        ("housing", "H1"),
    ]
    assert resolved_a.get("/api/v1/masterdata/people/?postcode=ns2 3cd").json()["count"] == 1
    bad = resolved_a.get("/api/v1/masterdata/people/?date_of_birth=31/02/1980&postcode=zz")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"date_of_birth"}
    with in_council(council_a):
        from platform_core.audit.models import AuditEntry

        reads = AuditEntry.objects.filter(action="masterdata.person.read")
        assert [e.detail["how"] for e in reads] == ["search", "detail", "search"]
        assert reads[1].object_id == str(person["id"]) and reads[1].actor == "md@alphaford.example"


def test_review_queue_confirm_and_export(resolved_a, council_a, in_council):
    assert (
        _upload(
            resolved_a,
            people_csv(["S1,Patricia,Smith,1980-03-04,NS1 2AB,1 High Street,,"]),
            kind="people",
            source="social-care",
        ).status_code
        == 201
    )
    queue = resolved_a.get("/api/v1/masterdata/review/?kind=people").json()
    assert queue["count"] == 1
    pair = queue["results"][0]
    assert pair["explanation"]["conflict"] is True  # a twin? a person decides
    assert resolved_a.post(f"/api/v1/masterdata/review/{pair['id']}/reject/").status_code == 200
    again = resolved_a.post(f"/api/v1/masterdata/review/{pair['id']}/reject/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "refused"
    assert resolved_a.get("/api/v1/masterdata/review/?status=maybe").status_code == 400
    export = resolved_a.get("/api/v1/masterdata/export/?kind=people")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    lines = export.content.decode().splitlines()
    assert lines[0] == "source,source_id,golden_id" and len(lines) == 6


def test_places_gazetteer_uprn_and_fuzzy_address_matching(md_client_a, client_a):
    gazetteer = b"uprn,usrn,address,postcode\n100001,5001,1 High Street Northbury,NS1 2AB\n100002,5001,3 High Street Northbury,NS1 2AB\n"
    assert _upload(client_a, gazetteer, kind="gazetteer").status_code == 201
    places = (
        b"source_id,uprn,usrn,address,postcode\n"
        b"P1,100001,,1 High St,NS1 2AB\n"  # UPRN: the key
        b"P2,,,3 High St. Northbury,NS1 2AB\n"  # fuzzy match
        b"P3,,,Flat 2 3 Hgh Street,NS1 2AB\n"  # close but not enough: review
        b"P4,,,Unit 9 Industrial Estate,NS9 9ZZ\n"  # nothing like it
    )
    assert _upload(client_a, places, kind="places", source="planning").status_code == 201
    assert client_a.post("/api/v1/masterdata/resolve/", {"kind": "places"}).status_code == 403
    stats = md_client_a.post("/api/v1/masterdata/resolve/", {"kind": "places"}).json()
    assert (stats["uprn"], stats["fuzzy"], stats["review"], stats["address"]) == (1, 1, 1, 1)
    [found] = client_a.get("/api/v1/masterdata/places/?uprn=100002").json()["results"]
    detail = client_a.get(f"/api/v1/masterdata/places/{found['id']}/").json()
    [record] = detail["records"]
    assert (record["source_id"], record["match_method"]) == ("P2", "fuzzy")
    assert record["match_score"] >= 0.9
    assert client_a.get("/api/v1/masterdata/places/?uprn=12x").status_code == 400
    queue = client_a.get("/api/v1/masterdata/review/?kind=places").json()
    assert queue["count"] == 1 and queue["results"][0]["place_record"]["source_id"] == "P3"
    pair = queue["results"][0]
    assert client_a.post(f"/api/v1/masterdata/review/{pair['id']}/confirm/").status_code == 200
    detail = client_a.get(f"/api/v1/masterdata/places/{found['id']}/").json()
    assert sorted(r["source_id"] for r in detail["records"]) == ["P2", "P3"]


def test_council_b_gets_what_a_missing_object_gets(
    resolved_a, council_a, council_b, in_council, md_client_factory
):
    client_b = md_client_factory(council_b, username="md@betaby.example")
    with in_council(council_a):
        from intelligence.masterdata.models import GoldenPerson, PersonRecord, ReviewPair

        person = GoldenPerson.objects.filter(status="active").first()
        record = PersonRecord.objects.first()
        sar = resolved_a.post(f"/api/v1/masterdata/people/{person.pk}/subject-access/", {}).json()
        pair = ReviewPair.objects.first()
    missing = 987654321
    for template, method in [
        ("/api/v1/masterdata/people/{}/", "get"),
        ("/api/v1/masterdata/people/{}/merge/", "post"),
        ("/api/v1/masterdata/people/{}/erase/", "post"),
        ("/api/v1/masterdata/people/{}/subject-access/", "post"),
        ("/api/v1/masterdata/person-records/{}/unmerge/", "post"),
        ("/api/v1/masterdata/subject-access/{}/", "get"),
        ("/api/v1/masterdata/subject-access/{}/export/", "get"),
        ("/api/v1/masterdata/places/{}/", "get"),
    ]:
        ident = {
            "people": person.pk,
            "person-records": record.pk,
            "subject-access": sar["id"],
            "places": person.pk,
        }[template.split("/")[4]]
        a = getattr(client_b, method)(template.format(ident))
        m = getattr(client_b, method)(template.format(missing))
        assert a.status_code == m.status_code == 404, template
        assert a.json() == m.json()
    if pair is not None:
        assert client_b.get(f"/api/v1/masterdata/review/{pair.pk}/").status_code == 404
    assert client_b.get("/api/v1/masterdata/people/?name=smith").json()["count"] == 0
    assert client_b.get("/api/v1/masterdata/export/?kind=people").content.decode().splitlines() == [
        "source,source_id,golden_id"
    ]
