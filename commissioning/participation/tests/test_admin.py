"""Participatory budgets in the council's Wagtail admin: a ward budget officer checks proposals,
opens the vote, enters paper ballots (the same rules as online votes, refusals on the field),
closes the vote, counts, publishes and commits the winners. Another council's process, a
missing one and a role without the permission get a 404 / the dashboard, never a 500."""

import datetime

import pytest
from django.utils import timezone

from commissioning.participation.models import Ballot, Process, Proposal

ADMIN = "/admin/participation/processes/"
DOB = "1980-03-27"


@pytest.fixture
def officer(council_a, staff_client_factory):
    return staff_client_factory(council_a, groups=("Ward budget officers",), username="wbo@a.test")


def _ballot(process, *titles, name="Jo Bloggs", postcode="NS1 1AA", **extra):
    ids = [str(process.proposals.get(title=t).pk) for t in titles]
    return {
        "name": name,
        "date_of_birth": DOB,
        "address": "1 High Street",
        "postcode": postcode,
        "choices": ids,
        **extra,
    }


def test_an_officer_runs_a_ward_budget_from_checks_to_winners(
    officer, council_a, in_council, make_process
):
    with in_council(council_a):
        process = make_process(stage="review")
        extra = Proposal.objects.create(
            process=process,
            title="Mural",
            summary="A mural",
            estimated_cost=2000,
            proposer_name="Al",
            proposer_email="al@example.org",
            proposer_postcode="NS1 1AA",
        )
    listing = officer.get(ADMIN)
    assert listing.status_code == 200 and b"Ward 1 budget" in listing.content
    run = officer.get(f"{ADMIN}{process.pk}/")
    assert (
        run.status_code == 200 and b"To check" in run.content and b"Open voting now" in run.content
    )

    # Not feasible without a reason: the error is on the reason.
    check = f"{ADMIN}{process.pk}/proposals/{extra.pk}/check/"
    bad = officer.post(check, {"feasible": "no", "cost": "", "note": ""})
    assert bad.status_code == 400 and b"Give the reason the project is not feasible" in bad.content
    over = officer.post(check, {"feasible": "yes", "cost": "20000", "note": ""})
    assert over.status_code == 400 and b"more than the whole budget" in over.content
    assert b'id="id_cost-error"' in over.content  # on the field
    ok = officer.post(check, {"feasible": "yes", "cost": "1500", "note": "Wall owner agrees"})
    assert ok.status_code == 302
    with in_council(council_a):
        extra.refresh_from_db()
        assert extra.status == "feasible" and extra.cost == 1500

    assert officer.post(f"{ADMIN}{process.pk}/", {"step": "open"}).status_code == 302
    assert officer.post(check, {"feasible": "no", "note": "late"}).status_code == 409

    ballot_url = f"{ADMIN}{process.pk}/paper-ballot/"
    form = officer.get(ballot_url)
    assert form.status_code == 200 and b"Mural (\xc2\xa31,500)" in form.content
    assert officer.post(ballot_url, _ballot(process, "Play area", "Bulbs")).status_code == 302
    # The same resident again: refused, on the name.
    again = officer.post(ballot_url, _ballot(process, "Bulbs", name="JO BLOGGS"))
    assert again.status_code == 409 and b"already voted" in again.content
    assert b'id="id_name-error"' in again.content
    outside = officer.post(ballot_url, _ballot(process, "Bulbs", name="Al Far", postcode="ZZ9 9ZZ"))
    assert outside.status_code == 409 and b'id="id_postcode-error"' in outside.content
    over_budget = officer.post(
        ballot_url, _ballot(process, "Play area", "Benches", "Bulbs", name="Sam Lee")
    )
    assert over_budget.status_code == 409 and b'id="id_choices-error"' in over_budget.content
    assert b"more than the budget of \xc2\xa310,000" in over_budget.content
    bad_date = officer.post(ballot_url, _ballot(process, "Bulbs", name="Kim", date_of_birth="x"))
    assert bad_date.status_code == 400 and b'id="id_date_of_birth-error"' in bad_date.content
    assert (
        officer.post(ballot_url, _ballot(process, "Benches", "Mural", name="Ann Oak")).status_code
        == 302
    )
    with in_council(council_a):
        assert Ballot.objects.filter(process=process, channel="paper").count() == 2

    # Counting while voting is open is refused with the reason; then close, count, publish.
    early = officer.post(f"{ADMIN}{process.pk}/", {"step": "count"})
    assert early.status_code == 409 and b"Voting is still open" in early.content
    assert officer.post(f"{ADMIN}{process.pk}/", {"step": "close"}).status_code == 302
    assert officer.post(f"{ADMIN}{process.pk}/", {"step": "count"}).status_code == 302
    results = officer.get(f"{ADMIN}{process.pk}/")
    assert b"Funded" in results.content and b"2 ballots" in results.content
    assert officer.post(f"{ADMIN}{process.pk}/", {"step": "award"}).status_code == 409
    assert officer.post(f"{ADMIN}{process.pk}/", {"step": "publish"}).status_code == 302
    assert officer.post(f"{ADMIN}{process.pk}/", {"step": "award"}).status_code == 302
    with in_council(council_a):
        process.refresh_from_db()
        assert process.awarded_at is not None
        assert Proposal.objects.filter(process=process, won=True, grant_id__isnull=False).exists()
    assert officer.post(f"{ADMIN}{process.pk}/", {"step": "bogus"}).status_code == 400


def test_another_councils_process_is_a_404_and_roles_without_permission_see_nothing(
    officer, council_a, council_b, in_council, make_process, staff_client_factory
):
    with in_council(council_b):
        for n in range(3):  # B's newest process has an id A does not have
            theirs = make_process(stage="voting", slug=f"b-{n}")
        proposal = theirs.proposals.first()
    with in_council(council_a):
        mine = make_process(stage="voting")
        assert not Process.objects.filter(pk=theirs.pk).exists()
    for pk in (theirs.pk, 987654):
        for url in (
            f"{ADMIN}{pk}/",
            f"{ADMIN}{pk}/paper-ballot/",
            f"{ADMIN}{mine.pk}/proposals/{proposal.pk + 100}/check/",
            f"{ADMIN}{pk}/proposals/{proposal.pk}/check/",
            f"{ADMIN}edit/{pk}/",
        ):
            assert officer.get(url).status_code == 404, url
        assert officer.post(f"{ADMIN}{pk}/", {"step": "close"}).status_code == 404
    # A role without participation permissions: the menu has no item and the screens send
    # the user to the dashboard (Wagtail's answer to PermissionDenied).
    funding = staff_client_factory(council_a, groups=("Funding officers",), username="fo@a.test")
    dashboard = funding.get("/admin/")
    assert b"Ward budgets (PB)" not in dashboard.content
    assert funding.get(f"{ADMIN}{mine.pk}/").status_code == 302
    assert funding.post(f"{ADMIN}{mine.pk}/paper-ballot/", {}).status_code == 302
    with in_council(council_a):
        assert Ballot.objects.count() == 0


def test_a_new_process_is_saved_through_the_action_with_errors_on_the_fields(
    officer, council_a, in_council
):
    now = timezone.localtime()
    day = datetime.timedelta(days=1)

    def at(delta):
        return (now + delta).strftime("%Y-%m-%d %H:%M")

    values = {
        "title": "Ward 2 budget",
        "slug": "ward-2-budget",
        "summary": "Spend £5,000",
        "ward_code": "E05900002",
        "ward_name": "Ward 2",
        "postcodes": "NS2 1AA\nns2 1ab",
        "budget": "5000",
        "method": "approval",
        "min_choices": "1",
        "max_choices": "3",
        "proposals_open": at(day),
        "proposals_close": at(3 * day),
        "voting_open": at(4 * day),
        "voting_close": at(9 * day),
    }
    bad = officer.post(f"{ADMIN}new/", {**values, "postcodes": "not a postcode", "ward_code": "X1"})
    assert bad.status_code == 200  # Wagtail's create view re-renders an invalid form
    assert b"is not a UK postcode" in bad.content and b"is not a GSS code" in bad.content
    order = officer.post(f"{ADMIN}new/", {**values, "voting_open": at(2 * day)})
    assert b"The stages must follow each other" in order.content
    ok = officer.post(f"{ADMIN}new/", values)
    assert ok.status_code == 302
    with in_council(council_a):
        process = Process.objects.get(slug="ward-2-budget")
        assert process.postcodes == ["NS2 1AA", "NS2 1AB"]
    edit = officer.get(f"{ADMIN}edit/{process.pk}/")
    assert edit.status_code == 200 and b"NS2 1AA" in edit.content
