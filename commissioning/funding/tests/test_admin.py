"""The funding screens in the council's Wagtail admin: saved searches (the officer's own, with
the alert settings, and the calls each matches with the reasons), grants awarded into the
360Giving feed, and 360Giving imports with every error's JSON path (nothing imported from an
invalid file). Another officer's search, another council's and a missing one give the same 404;
a role without the permissions has no Funding menu."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commissioning.funding import actions
from commissioning.funding.models import ExternalGrant, Grant, SavedSearch

ADMIN = "/admin/funding/"
GRANT = {
    "id": "360G-other-1",
    "title": "Lunch club",
    "description": "A lunch club",
    "currency": "GBP",
    "amountAwarded": 5000,
    "awardDate": "2025-06-01",
    "recipientOrganization": [{"id": "GB-CHC-1111111", "name": "Lunch Club"}],
    "fundingOrganization": [{"id": "GB-CHC-2222222", "name": "Other Trust"}],
}


@pytest.fixture
def officer(council_a, staff_client_factory):
    return staff_client_factory(council_a, groups=("Funding officers",), username="fo@a.test")


def test_an_officer_saves_a_search_and_sees_the_matching_calls_with_reasons(
    officer, council_a, in_council
):
    with in_council(council_a):
        actions.save_call(
            funder="Local Trust",
            programme="Tackling loneliness together",
            description="Befriending for older people",
            url="https://trust.example/loneliness",
            themes=["loneliness"],
            amount_max=50000,
        )
        actions.save_call(
            funder="Sports Fund",
            programme="Pitches",
            url="https://sport.example/",
            themes=["sport"],
        )
    menu = officer.get("/admin/")
    assert b"Saved searches" in menu.content and b"Grants made" in menu.content
    form = officer.get(f"{ADMIN}searches/new/")
    assert form.status_code == 200 and b"Email new matches" in form.content
    bad = officer.post(
        f"{ADMIN}searches/new/",
        {"name": "Loneliness", "themes": "loneliness", "areas": "nowhere", "remind_days": "14"},
    )
    assert bad.status_code == 200 and b"is not a GSS code" in bad.content
    saved = officer.post(
        f"{ADMIN}searches/new/",
        {"name": "Loneliness", "themes": "Loneliness", "alerts": "on", "remind_days": "7"},
    )
    assert saved.status_code == 302
    with in_council(council_a):
        search = SavedSearch.objects.get(name="Loneliness")
        assert search.owner.username == "fo@a.test" and search.themes == ["loneliness"]
        assert search.alerts and search.remind_days == 7
        assert search.notices.filter(kind="baseline").count() == 1  # not emailed
    assert saved["Location"] == f"{ADMIN}searches/{search.pk}/matches/"
    matches = officer.get(saved["Location"])
    text = matches.content.decode()
    assert "Tackling loneliness together" in text and "Pitches" not in text
    assert "up to £50k" in text  # the ranking's reasons
    listing = officer.get(f"{ADMIN}searches/")
    assert "Loneliness" in listing.content.decode() and "7 days before" in listing.content.decode()

    edit = officer.post(
        f"{ADMIN}searches/edit/{search.pk}/",
        {"name": "Loneliness", "themes": "loneliness", "remind_days": "0"},
    )
    assert edit.status_code == 302
    with in_council(council_a):
        search.refresh_from_db()
        assert search.alerts is False and search.remind_days == 0
    assert officer.post(f"{ADMIN}searches/delete/{search.pk}/").status_code == 302
    with in_council(council_a):
        assert not SavedSearch.objects.filter(pk=search.pk).exists()


def test_another_officers_or_councils_search_is_a_404(
    officer, council_a, council_b, in_council, staff_client_factory
):
    other = staff_client_factory(council_a, groups=("Funding officers",), username="o2@a.test")
    with in_council(council_a):
        theirs = actions.save_search(owner=other.user, name="Theirs")
    with in_council(council_b):
        from django.contrib.auth import get_user_model

        b_user = get_user_model().objects.create_user("b@b.test")
        for n in range(3):
            b_search = actions.save_search(owner=b_user, name=f"B {n}")
    for pk in (theirs.pk, b_search.pk, 987654):
        for url in (
            f"{ADMIN}searches/{pk}/matches/",
            f"{ADMIN}searches/edit/{pk}/",
            f"{ADMIN}searches/delete/{pk}/",
        ):
            assert officer.get(url).status_code == 404, url
        assert officer.post(f"{ADMIN}searches/delete/{pk}/").status_code == 404
    listing = officer.get(f"{ADMIN}searches/").content
    assert b"Theirs" not in listing and b"B 2" not in listing
    with in_council(council_a):
        assert SavedSearch.objects.filter(pk=theirs.pk).exists()
    # A role without funding permissions: no Funding menu, screens send it to the dashboard.
    pb = staff_client_factory(council_a, groups=("Ward budget officers",), username="pb@a.test")
    assert b"Saved searches" not in pb.get("/admin/").content
    assert pb.get(f"{ADMIN}searches/").status_code == 302
    assert pb.get(f"{ADMIN}360giving/upload/").status_code == 302


def test_a_grant_awarded_in_the_admin_joins_the_360giving_feed(
    officer, council_a, in_council, anon_client_a
):
    from tenants.actions import set_org_id

    set_org_id(council_a, "GB-LAE-ALF")
    form = officer.get(f"{ADMIN}grants/new/")
    assert form.status_code == 200 and b"Award a grant" in form.content
    values = {
        "title": "Community garden",
        "description": "Raised beds for Ward 1",
        "amount_awarded": "2500",
        "currency": "GBP",
        "award_date": "2026-05-01",
        "recipient_name": "Ward 1 Gardeners",
        "beneficiary_geo": "e05900001",
        "source": "direct",
    }
    bad = officer.post(f"{ADMIN}grants/new/", {**values, "amount_awarded": "-5"})
    assert bad.status_code == 200 and b"Enter an amount of more than" in bad.content
    refused = officer.post(f"{ADMIN}grants/new/", {**values, "currency": "gbp"})
    assert refused.status_code == 200 and b"ISO 4217" in refused.content  # the action's check
    with in_council(council_a):
        assert not Grant.objects.exists()
    ok = officer.post(f"{ADMIN}grants/new/", values)
    assert ok.status_code == 302
    with in_council(council_a):
        grant = Grant.objects.get(title="Community garden")
        assert grant.beneficiary_geo == ["E05900001"]
    feed = anon_client_a.get("/api/v1/360giving/grants.json")
    assert feed.status_code == 200
    titles = [g["title"] for g in feed.json()["grants"]]
    assert "Community garden" in titles
    listing = officer.get(f"{ADMIN}grants/")
    assert b"Community garden" in listing.content and b"360Giving feed" in listing.content
    assert officer.get(f"{ADMIN}grants/edit/{grant.pk}/").status_code == 404
    assert officer.get(f"{ADMIN}grants/delete/{grant.pk}/").status_code == 404


def test_an_invalid_360giving_file_lists_every_error_with_its_json_path_and_imports_nothing(
    officer, council_a, in_council
):
    bad = {"grants": [{**GRANT, "amountAwarded": "lots"}, {**GRANT, "id": "360G-other-2"}]}
    del bad["grants"][1]["awardDate"]
    upload = SimpleUploadedFile("bad.json", json.dumps(bad).encode(), "application/json")
    answer = officer.post(f"{ADMIN}360giving/upload/", {"file": upload})
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "$.grants[0].amountAwarded" in text and "$.grants[1]" in text
    assert "nothing was imported" in text
    with in_council(council_a):
        assert ExternalGrant.objects.count() == 0
    good = SimpleUploadedFile(
        "good.json", json.dumps({"grants": [GRANT]}).encode(), "application/json"
    )
    assert officer.post(f"{ADMIN}360giving/upload/", {"file": good}).status_code == 302
    with in_council(council_a):
        assert ExternalGrant.objects.count() == 1
    listing = officer.get(f"{ADMIN}360giving/")
    assert b"good.json" in listing.content and b"Import a 360Giving file" in listing.content
    assert officer.get(f"{ADMIN}360giving/funders/").status_code == 200
