"""Funding calls: the platform-wide register and a council's own, file imports that refuse a
bad file whole, and saved searches that email new matches and deadline reminders once."""

import datetime
import json
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from commissioning.funding import actions
from commissioning.funding.models import CouncilCall, SearchNotice
from commissioning.fundingregister import actions as register_actions
from commissioning.fundingregister.access import CallFileError, parse_calls
from commissioning.fundingregister.models import PlatformCall

TODAY = datetime.date.today()
HEADER = "reference,funder,programme,amount_min,amount_max,opens_on,closes_on,themes,geography,url"


def _platform_call(**values):
    with schema_context("public"):
        return register_actions.save_platform_call(
            **{
                "funder": "National Lottery Community Fund",
                "programme": "Awards for All",
                "amount_max": 20000,
                "closes_on": TODAY + datetime.timedelta(days=30),
                "themes": ["community", "isolation"],
                "url": "https://example.org/awards",
                **values,
            }
        )


def test_a_csv_with_problems_names_each_line_and_imports_nothing(council_a, in_council):
    text = "\n".join(
        [
            HEADER,
            "R1,Funder,Programme,,50000,2026-01-01,2026-03-01,health,E05000001,https://ok.example",
            "R2,,Programme,abc,,2026-01-01,2025-12-01,,X123,ftp://bad",
            "R1,Funder,Again,,,,,,,https://ok.example",
        ]
    )
    with pytest.raises(CallFileError) as caught:
        parse_calls(text, filename="calls.csv")
    problems = caught.value.problems
    assert "line 3, funder: is required" in problems
    assert "line 3, amount_min: 'abc' is not an amount in pounds" in problems
    assert "line 3, closes_on: is before opens_on" in problems
    assert "line 3, geography: 'X123' is not a GSS code (e.g. E05012345)" in problems
    assert "line 3, url: 'ftp://bad' is not an http(s) address" in problems
    assert any(p.startswith("line 4, reference: 'R1' appears twice") for p in problems)
    with in_council(council_a):
        with pytest.raises(CallFileError):
            actions.import_calls(text, filename="calls.csv")
        assert CouncilCall.objects.count() == 0


def test_a_json_with_problems_names_each_path():
    data = {
        "calls": [
            {"funder": "F", "programme": "P", "url": "https://ok.example", "themes": ["a", 3]},
            {"funder": "F", "programme": "P", "url": "https://ok.example", "colour": "red"},
            {
                "funder": "F",
                "programme": "P",
                "url": "https://ok.example",
                "amount_min": 9,
                "amount_max": 1,
            },
        ]
    }
    with pytest.raises(CallFileError) as caught:
        parse_calls(json.dumps(data), filename="calls.json")
    assert caught.value.problems == [
        "$.calls[1]: unknown field(s) colour",
    ]
    del data["calls"][1]["colour"]
    with pytest.raises(CallFileError) as caught:
        parse_calls(json.dumps(data))
    assert caught.value.problems == [
        "$.calls[0].themes[1]: must be text",
        "$.calls[2].amount_min: is more than amount_max",
    ]


def test_import_then_reimport_updates_by_reference(council_a, in_council):
    text = "\n".join(
        [
            HEADER,
            "R1,Funder,Programme,,50000,,2030-03-01,Health;Older People,E05000001;E06000901,https://a.example",
        ]
    )
    with in_council(council_a):
        first = actions.import_calls(text, filename="calls.csv")
        again = actions.import_calls(text.replace(",50000,", ",60000,"), filename="calls.csv")
        call = CouncilCall.objects.get()
    assert (first.created, first.updated, again.created, again.updated) == (1, 0, 0, 1)
    assert call.amount_max == 60000
    assert call.themes == ["health", "older people"]
    assert call.geography == ["E05000001", "E06000901"]


def test_every_council_sees_the_register_and_only_its_own_calls(
    client_a, client_b, council_a, in_council
):
    platform = _platform_call()
    with in_council(council_a):
        own = actions.save_call(
            funder="Alphaford Council", programme="Ward grants", url="https://alphaford.example/g"
        )
    ids_a = {c["id"] for c in client_a.get("/api/v1/funding/calls/").json()["results"]}
    ids_b = {c["id"] for c in client_b.get("/api/v1/funding/calls/").json()["results"]}
    assert ids_a == {str(platform.pk), str(own.pk)}
    assert ids_b == {str(platform.pk)}
    missing = client_b.get("/api/v1/funding/calls/00000000-0000-0000-0000-000000000001/")
    other = client_b.get(f"/api/v1/funding/calls/{own.pk}/")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    assert client_b.get(f"/api/v1/funding/calls/{platform.pk}/").json()["scope"] == "platform"


def test_a_council_cannot_change_a_platform_call(client_a):
    platform = _platform_call()
    response = client_a.patch(
        f"/api/v1/funding/calls/{platform.pk}/",
        {"programme": "Mine now"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "platform-wide register" in response.json()["error"]["message"]
    with schema_context("public"):
        assert PlatformCall.objects.get(pk=platform.pk).programme == "Awards for All"


def test_create_call_checks_fields_and_names_them(client_a):
    response = client_a.post(
        "/api/v1/funding/calls/",
        {
            "funder": "F",
            "programme": "P",
            "url": "https://ok.example",
            "geography": ["nowhere"],
            "amount_min": "10",
            "amount_max": "5",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) >= {"geography", "amount_min"}
    ok = client_a.post(
        "/api/v1/funding/calls/",
        {"funder": "F", "programme": "P", "url": "https://ok.example", "geography": ["e06000901"]},
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["geography"] == ["E06000901"]


def test_import_endpoint_refuses_a_bad_file_whole(client_a, council_a, in_council):
    bad = SimpleUploadedFile(
        "calls.csv", f"{HEADER}\nR1,F,P,,,,,,,https://a.example\nR2,F,P,,,,,,,notaurl\n".encode()
    )
    response = client_a.post("/api/v1/funding/calls/import/", {"file": bad})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"] == [
        "line 3, url: 'notaurl' is not an http(s) address"
    ]
    with in_council(council_a):
        assert CouncilCall.objects.count() == 0
    good = SimpleUploadedFile("calls.csv", f"{HEADER}\nR1,F,P,,,,,,,https://a.example\n".encode())
    response = client_a.post("/api/v1/funding/calls/import/", {"file": good})
    assert response.status_code == 201
    assert response.json()["created"] == 1


def test_saved_search_emails_new_matches_once_and_reminds_before_deadline(
    client_a, council_a, in_council, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _platform_call(programme="Already there")
    response = client_a.post(
        "/api/v1/funding/searches/",
        {"name": "Isolation", "themes": ["Isolation"], "areas": ["E06000901"], "remind_days": 10},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    search_id = response.json()["id"]
    new = _platform_call(
        programme="Tackling loneliness", closes_on=TODAY + datetime.timedelta(days=5)
    )
    _platform_call(programme="Elsewhere", geography=["W06000001"])
    _platform_call(programme="Other theme", themes=["sport"])
    with in_council(council_a):
        client_a.user.email = "officer@alphaford.example"
        client_a.user.save()
        first = actions.send_alerts()
        second = actions.send_alerts()
    assert (first.alerts, first.reminders) == (1, 1)
    assert (second.alerts, second.reminders) == (0, 0)
    assert len(mail.outbox) == 2
    alert = mail.outbox[0]
    assert alert.to == ["officer@alphaford.example"]
    assert "Tackling loneliness" in alert.body
    assert "Already there" not in alert.body and "Elsewhere" not in alert.body
    assert (
        f"{council_a.primary_domain}" in alert.body
        and f"/api/v1/funding/calls/{new.pk}/" in alert.body
    )
    # Each email links to the search's matching calls in the admin, with their reasons.
    screen = re.compile(
        rf"with the reasons they match: https?://{re.escape(council_a.primary_domain)}(:\d+)?"
        rf"/admin/funding/searches/{search_id}/matches/$"
    )
    assert screen.search(alert.body) and screen.search(mail.outbox[1].body), alert.body
    assert (
        "Tackling loneliness" in mail.outbox[1].body
        and "close within 10 days" in mail.outbox[1].body
    )
    with in_council(council_a):
        kinds = set(SearchNotice.objects.filter(search_id=search_id).values_list("kind", flat=True))
    assert kinds == {"baseline", "new", "deadline"}
    matches = client_a.get(f"/api/v1/funding/searches/{search_id}/matches/").json()["results"]
    assert {m["programme"] for m in matches} == {"Already there", "Tackling loneliness"}


def test_saved_searches_are_their_owners_own(client_a, staff_client_factory, council_a):
    response = client_a.post(
        "/api/v1/funding/searches/", {"name": "Mine"}, content_type="application/json"
    )
    other = staff_client_factory(council_a, username="other@alphaford.example")
    assert other.get(f"/api/v1/funding/searches/{response.json()['id']}/").status_code == 404


def test_platform_api_imports_the_register(platform_staff_client):
    from django.contrib.auth.models import Permission

    platform_staff_client.user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="fundingregister")
    )
    bad = SimpleUploadedFile("calls.json", b'[{"funder": "F"}]')
    response = platform_staff_client.post("/platform/api/v1/funding/calls/import/", {"file": bad})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"] == [
        "$[0].programme: is required",
        "$[0].url: is required",
    ]
    good = SimpleUploadedFile(
        "calls.json", b'{"calls": [{"funder": "F", "programme": "P", "url": "https://a.example"}]}'
    )
    response = platform_staff_client.post("/platform/api/v1/funding/calls/import/", {"file": good})
    assert response.status_code == 201, response.content
    assert PlatformCall.objects.filter(programme="P").exists()
