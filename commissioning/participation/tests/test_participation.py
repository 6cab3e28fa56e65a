"""Participatory budgeting: proposals in the window, feasibility before voting, one vote each
(online or paper), eligibility by address, knapsack and approval rules, the count, published
results, and winners as grants in the 360Giving feed."""

import datetime

import pytest
from django.utils import timezone

from commissioning.participation import actions
from commissioning.participation.models import Ballot, BallotChoice, Proposal
from platform_core.errors import Refused
from tenants.actions import set_org_id

DOB = datetime.date(1980, 3, 27)
SURNAMES = ["Able", "Baker", "Carter", "Dawson", "Ellis", "Fraser", "Grant", "Hughes"]


def _ids(process, *titles):
    return [process.proposals.get(title=t).pk for t in titles]


def _vote(process, *titles, name="Jo Bloggs", dob=DOB, postcode="NS1 1AA", **kw):
    return actions.cast_vote(
        process,
        name=name,
        date_of_birth=dob,
        postcode=postcode,
        choices=_ids(process, *titles),
        **kw,
    )


def test_one_vote_each_online_or_on_paper(council_a, in_council, make_process):
    with in_council(council_a):
        process = make_process()
        _vote(process, "Play area", "Benches")
        with pytest.raises(Refused, match="already voted"):
            _vote(process, "Bulbs", name="JOANNE  bloggs", postcode="ns11aa")
        with pytest.raises(Refused, match="already voted"):
            _vote(process, "Bulbs", channel=Ballot.Channel.PAPER)
        _vote(process, "Bulbs", name="Sam Bloggs")  # another resident at the same address
        assert Ballot.objects.filter(process=process).count() == 2
        assert BallotChoice.objects.filter(ballot__process=process).count() == 3


def test_votes_outside_the_ward_window_or_budget_are_refused_with_the_reason(
    council_a, in_council, make_process
):
    with in_council(council_a):
        process = make_process()
        with pytest.raises(Refused, match="NS9 9ZZ is not in Ward 1"):
            _vote(process, "Bulbs", postcode="NS9 9ZZ")
        with pytest.raises(Refused, match="cost £13,000, more than the budget of £10,000"):
            _vote(process, "Play area", "Benches", "Bulbs")
        early = make_process(stage="review", slug="early")
        with pytest.raises(Refused, match="Voting for Ward 1 budget is open from"):
            _vote(early, "Bulbs")
        closed = make_process(stage="closed", slug="closed")
        with pytest.raises(Refused, match="is open from"):
            _vote(closed, "Bulbs")
        _vote(closed, "Bulbs", channel=Ballot.Channel.PAPER)  # paper ballots until the count
        assert Ballot.objects.filter(process__in=[process, early]).count() == 0


def test_approval_voting_has_a_minimum_and_a_maximum(council_a, in_council, make_process):
    with in_council(council_a):
        process = make_process(method="approval", min_choices=2, max_choices=2)
        with pytest.raises(Refused, match="Choose between 2 and 2 projects; you chose 1"):
            _vote(process, "Bulbs")
        with pytest.raises(Refused, match="you chose 3"):
            _vote(process, "Bulbs", "Benches", "Play area")
        _vote(process, "Bulbs", "Benches")


def test_a_project_not_on_the_ballot_is_bad_input(council_a, in_council, make_process):
    from django.core.exceptions import ValidationError

    with in_council(council_a):
        process = make_process()
        rejected = process.proposals.get(title="Bulbs")
        rejected.status = Proposal.Status.NOT_FEASIBLE
        rejected.save()
        with pytest.raises(ValidationError) as caught:
            _vote(process, "Bulbs")
        assert "not a project on this ballot" in str(caught.value.message_dict["choices"])


def test_master_data_places_identify_the_address(council_a, in_council, make_process):
    from intelligence.masterdata import actions as md

    with in_council(council_a):
        md.import_gazetteer("uprn,usrn,address,postcode\n100001,1,1 High Street,NS1 1AA\n")
        md.import_source(
            b"source_id,uprn,usrn,address,postcode\nP1,100001,,1 High Street,NS1 1AA\n",
            source="ctax",
            kind="places",
            owner="Revenues",
        )
        md.resolve_places()
        process = make_process()
        receipt = _vote(process, "Bulbs", address="1 High Street")
        other = _vote(process, "Bulbs", name="Al Other", address="99 Nowhere Road")
    assert receipt.eligibility == "place"
    assert other.eligibility == "postcode"


def test_count_publish_and_award_make_grants_in_the_feed(
    council_a, in_council, make_process, anon_client_a, client_a
):
    with in_council(council_a):
        process = make_process(stage="closed")
        for n in range(5):
            _vote(
                process,
                "Play area",
                "Bulbs",
                name=f"Voter {SURNAMES[n]}",
                channel=Ballot.Channel.PAPER,
            )
        for n in range(3):
            _vote(
                process,
                "Benches",
                "Bulbs",
                name=f"Other {SURNAMES[n]}",
                channel=Ballot.Channel.PAPER,
            )
        with pytest.raises(Refused, match="Publish the results"):
            actions.award_winners(process)
        result = actions.count(process)
        again = actions.count(process)
        assert result.counts == again.counts and result.winners == again.winners
        process.refresh_from_db()
        votes = {p.title: (p.votes, p.won) for p in process.proposals.all()}
        # Bulbs (8 votes, £3k) first, then Play area (5, £6k); Benches (3, £4k) no longer fits.
        assert votes == {"Bulbs": (8, True), "Play area": (5, True), "Benches": (3, False)}
        with pytest.raises(Refused, match="votes have been counted"):
            _vote(process, "Benches", name="Late", channel=Ballot.Channel.PAPER)
    page = anon_client_a.get(f"/participate/{process.slug}/")
    assert b"Results" not in page.content  # not published yet
    response = client_a.post(f"/api/v1/participation/processes/{process.pk}/publish/")
    assert response.status_code == 200, response.content
    assert response.json()["ballots"] == 8
    page = anon_client_a.get(f"/participate/{process.slug}/").content.decode()
    assert "Results" in page and "Funded" in page
    awarded = client_a.post(f"/api/v1/participation/processes/{process.pk}/award/")
    assert awarded.status_code == 200, awarded.content
    assert {p["title"] for p in awarded.json()} == {"Bulbs", "Play area"}
    assert client_a.post(f"/api/v1/participation/processes/{process.pk}/award/").status_code == 409
    set_org_id(council_a, "GB-LAE-ALF")  # the funder's id in the council's 360Giving feed
    feed = anon_client_a.get("/api/v1/360giving/grants.json").json()
    titles = {g["title"]: g for g in feed["grants"]}
    assert set(titles) == {"Bulbs", "Play area"}
    assert titles["Bulbs"]["amountAwarded"] == 3000
    assert titles["Bulbs"]["beneficiaryLocation"][0]["geoCode"] == "E05900001"


def test_count_is_refused_while_voting_is_open(client_a, council_a, in_council, make_process):
    with in_council(council_a):
        process = make_process()
    response = client_a.post(f"/api/v1/participation/processes/{process.pk}/count/")
    assert response.status_code == 409
    assert "Voting is still open" in response.json()["error"]["message"]


def test_paper_ballot_api_refuses_with_reasons(
    client_a, client_b, council_a, in_council, make_process
):
    with in_council(council_a):
        process = make_process()
        ids = _ids(process, "Bulbs")
    body = {
        "name": "Pat Paper",
        "date_of_birth": "1970-01-01",
        "postcode": "NS1 1AB",
        "choices": ids,
    }
    url = f"/api/v1/participation/processes/{process.pk}/paper-ballots/"
    first = client_a.post(url, body, content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["channel"] == "paper"
    second = client_a.post(url, body, content_type="application/json")
    assert second.status_code == 409
    assert "already voted" in second.json()["error"]["message"]
    bad = client_a.post(url, {**body, "postcode": "nonsense"}, content_type="application/json")
    assert bad.status_code == 400 and "postcode" in bad.json()["error"]["fields"]
    future = client_a.post(
        url,
        {**body, "name": "Fay Future", "date_of_birth": "2999-01-01"},
        content_type="application/json",
    )
    assert future.status_code == 400
    assert future.json()["error"]["fields"]["date_of_birth"] == [
        "Date of birth must be in the past"
    ]
    # The same resident as "Mr Pat Paper": the second vote is refused, not counted.
    titled = client_a.post(url, {**body, "name": "Mr Pat Paper"}, content_type="application/json")
    assert titled.status_code == 409 and "already voted" in titled.json()["error"]["message"]
    assert client_b.post(url, body, content_type="application/json").status_code == 404
    with in_council(council_a):
        assert Ballot.objects.filter(process=process).count() == 1


def test_proposals_and_checks(council_a, in_council, make_process, anon_client_a, client_a):
    with in_council(council_a):
        process = make_process(stage="proposals")
    form = {
        "title": "Litter picks",
        "summary": "Monthly litter picks",
        "estimated_cost": "500",
        "proposer_name": "Ann Resident",
        "proposer_email": "ann@example.org",
        "proposer_postcode": "NS1 1AB",
    }
    response = anon_client_a.post(f"/participate/{process.slug}/propose/", form)
    assert response.status_code == 302
    outside = anon_client_a.post(
        f"/participate/{process.slug}/propose/", {**form, "proposer_postcode": "NS9 9ZZ"}
    )
    assert outside.status_code == 409 and b"not in Ward 1" in outside.content
    invalid = anon_client_a.post(
        f"/participate/{process.slug}/propose/", {**form, "estimated_cost": "x"}
    )
    assert invalid.status_code == 400 and b"There is a problem" in invalid.content
    with in_council(council_a):
        proposal = Proposal.objects.get(title="Litter picks")
    check = client_a.post(
        f"/api/v1/participation/proposals/{proposal.pk}/check/",
        {"feasible": True, "cost": "650", "note": "Needs equipment"},
        content_type="application/json",
    )
    assert check.status_code == 200, check.content
    assert check.json()["status"] == "feasible" and check.json()["cost"] == "650.00"
    too_much = client_a.post(
        f"/api/v1/participation/proposals/{proposal.pk}/check/",
        {"feasible": True, "cost": "20000"},
        content_type="application/json",
    )
    assert too_much.status_code == 400 and "cost" in too_much.json()["error"]["fields"]


def test_public_vote_form(council_a, in_council, make_process, anon_client_a):
    with in_council(council_a):
        process = make_process()
        ids = _ids(process, "Bulbs", "Benches")
    page = anon_client_a.get(f"/participate/{process.slug}/vote/")
    assert page.status_code == 200 and b"Benches" in page.content
    form = {
        "name": "Val Voter",
        "date_of_birth_day": "5",
        "date_of_birth_month": "5",
        "date_of_birth_year": "1990",
        "address": "2 High Street",
        "postcode": "NS1 1AA",
        "choices": [str(i) for i in ids],
    }
    assert anon_client_a.post(f"/participate/{process.slug}/vote/", form).status_code == 302
    again = anon_client_a.post(f"/participate/{process.slug}/vote/", form)
    assert again.status_code == 409 and b"already voted" in again.content
    assert anon_client_a.get("/participate/no-such-budget/").status_code == 404
    with in_council(council_a):
        assert Ballot.objects.filter(process=process).count() == 1
    _ = timezone


def test_demo_budgets(council_a, in_council, anon_client_a):
    from commissioning.participation import demo
    from commissioning.participation.models import Process
    from intelligence.warehouse.actions import save_area

    with in_council(council_a):
        save_area(code="E05900001", name="Ward 1", kind="ward", parent_code=council_a.gss_code)
        save_area(code="E05900002", name="Ward 2", kind="ward", parent_code=council_a.gss_code)
        demo.seed_demo(council_a)
        demo.seed_demo(council_a)
        assert Process.objects.count() == 2
        done = Process.objects.get(awarded_at__isnull=False)
    assert anon_client_a.get("/participate/").status_code == 200
    page = anon_client_a.get(f"/participate/{done.slug}/").content.decode()
    assert "Results" in page and "Funded" in page
    set_org_id(council_a, "GB-LAE-ALF")  # the funder's id in the council's 360Giving feed
    feed = anon_client_a.get("/api/v1/360giving/grants.json").json()
    assert any(g["grantProgramme"][0]["title"].startswith(done.title) for g in feed["grants"])


def _ward_budget(allocation):
    from commissioning.ledgers import actions as ledgers

    commissioner = ledgers.create_commissioner(
        "test", name="Cllr Test (Ward 1)", kind="ward_councillor"
    )
    budget = ledgers.create_budget("test", commissioner, name="Ward 1 PB", financial_year="2026-27")
    ledgers.allocate("test", budget, allocation)
    return budget


def _counted(make_process, budget):
    process = make_process(stage="closed", ledger_budget_id=budget.pk)
    for n in range(3):
        _vote(
            process, "Play area", "Bulbs", name=f"Voter {SURNAMES[n]}", channel=Ballot.Channel.PAPER
        )
    actions.count(process)
    actions.publish_results(process)
    return process


def test_winners_are_committed_against_the_ward_ledger_budget(council_a, in_council, make_process):
    from commissioning.funding.models import Grant
    from commissioning.ledgers import access as ledger_access

    with in_council(council_a):
        budget = _ward_budget("10000")
        process = _counted(make_process, budget)
        winners = actions.award_winners(process)
        assert {w.title for w in winners} == {"Play area", "Bulbs"}
        assert all(w.commitment_id for w in winners)
        balances = ledger_access.budget_balances(budget.pk)
        assert balances["committed"] == 9000 and balances["available"] == 1000
        assert ledger_access.ledger_problems([budget.pk]) == []
        assert Grant.objects.filter(source="ward_budget").count() == 2


def test_an_award_the_ledger_cannot_cover_is_refused_whole(council_a, in_council, make_process):
    from commissioning.funding.models import Grant
    from commissioning.ledgers import access as ledger_access

    with in_council(council_a):
        budget = _ward_budget("7000")  # the winners need £9,000
        process = _counted(make_process, budget)
        with pytest.raises(Refused):
            actions.award_winners(process)
        process.refresh_from_db()
        assert process.awarded_at is None
        assert Grant.objects.count() == 0
        assert ledger_access.budget_balances(budget.pk)["committed"] == 0


def test_titles_and_name_order_do_not_give_a_second_vote(council_a, in_council, make_process):
    """ "Mr John Smith", "Smith, John" and "Dr J. Smith Jr" are the John Smith who voted: each
    is refused, and only the first ballot is counted."""
    with in_council(council_a):
        process = make_process()
        _vote(process, "Bulbs", name="John Smith")
        for again in ("Mr John Smith", "Smith, John", "Dr J. Smith Jr", "JOHN  SMITH"):
            with pytest.raises(Refused, match="already voted"):
                _vote(process, "Benches", name=again)
        _vote(process, "Benches", name="Sam Smith")  # another resident at the address
        assert Ballot.objects.filter(process=process).count() == 2
        assert BallotChoice.objects.filter(ballot__process=process).count() == 2


def test_names_in_any_script_vote_once_and_latin_names_keep_their_key(
    council_a, in_council, make_process
):
    """A resident whose name has no Latin letters votes (it was refused as "no name"), once;
    a Latin-script name's key is what it always was, so nobody who voted before a change
    gets a second vote."""
    import hashlib
    import hmac

    from django.conf import settings

    with in_council(council_a):
        process = make_process()
        for name, again in (
            ("李明", " 李明 "),
            ("Алексей Смирнов", "АЛЕКСЕЙ СМИРНОВ"),
            ("Σοφία Παπαδοπούλου", "Σοφια Παπαδοπουλου"),  # accents are not a new resident
        ):
            _vote(process, "Bulbs", name=name)
            with pytest.raises(Refused, match="already voted"):
                _vote(process, "Benches", name=again)
        assert Ballot.objects.filter(process=process).count() == 3
        for blank in ("", " ", "Mr", "!!"):
            with pytest.raises(Exception, match="Enter your full name"):
                actions.voter_key(process, name=blank, date_of_birth=DOB, postcode="NS1 1AA")
        identity = f"{process.pk}|obrien|s|{DOB.isoformat()}|NS1 1AA"  # the key's shape before
        before = hmac.new(settings.SECRET_KEY.encode(), identity.encode(), hashlib.sha256)
        for name in ("Séan O'Brien", "Sean  OBrien", "Søren O’Brien"):
            key = actions.voter_key(process, name=name, date_of_birth=DOB, postcode="NS1 1AA")
            assert key == before.hexdigest(), name


def test_a_process_without_postcodes_checks_the_postcode_directory(
    council_a, in_council, make_process
):
    """A ward budget that lists no postcodes lets in only postcodes the directory (ONS
    Postcode Directory) places in the ward: another ward's postcode and one the directory does
    not know are refused, never let in by default."""
    from commissioning.providers.models import Postcode

    with in_council(council_a):
        Postcode.objects.create(
            postcode="NS5 1AA", latitude=53, longitude=-1, gss_codes="E05900001,E06000001"
        )
        Postcode.objects.create(
            postcode="NS6 1AA", latitude=53, longitude=-1, gss_codes="E05900002,E06000001"
        )
        process = make_process(postcodes=[])
        assert process.postcodes == []
        receipt = _vote(process, "Bulbs", postcode="ns5 1aa")
        assert receipt.eligibility == "postcode"
        with pytest.raises(Refused, match="NS6 1AA is not in Ward 1"):
            _vote(process, "Bulbs", name="Other Ward", postcode="NS6 1AA")
        with pytest.raises(Refused, match="NS7 7ZZ is not in Ward 1"):
            _vote(process, "Bulbs", name="Unknown Place", postcode="NS7 7ZZ")
        assert Ballot.objects.filter(process=process).count() == 1


def test_a_date_of_birth_in_the_future_is_bad_input(council_a, in_council, make_process):
    from django.core.exceptions import ValidationError

    with in_council(council_a):
        process = make_process()
        for dob in (timezone.localdate() + datetime.timedelta(days=1), datetime.date(1800, 1, 1)):
            with pytest.raises(ValidationError) as caught:
                _vote(process, "Bulbs", dob=dob)
            assert "date_of_birth" in caught.value.message_dict
        assert Ballot.objects.filter(process=process).count() == 0


def test_the_public_vote_form_uses_the_govuk_date_input_and_puts_refusals_on_their_fields(
    council_a, in_council, make_process, anon_client_a
):
    with in_council(council_a):
        process = make_process()
        ids = _ids(process, "Bulbs", "Benches", "Play area")
    url = f"/participate/{process.slug}/vote/"
    page = anon_client_a.get(url).content.decode()
    for part in ("day", "month", "year"):
        assert f'name="date_of_birth_{part}"' in page
    assert 'class="govuk-date-input"' in page
    form = {
        "name": "Val Voter",
        "date_of_birth_day": "5",
        "date_of_birth_month": "5",
        "date_of_birth_year": "1990",
        "address": "2 High Street",
        "postcode": "NS9 9ZZ",
        "choices": [str(ids[0])],
    }
    outside = anon_client_a.post(url, form)
    body = outside.content.decode()
    assert outside.status_code == 409
    assert 'id="id_postcode-error"' in body and "NS9 9ZZ is not in Ward 1" in body
    assert '<a href="#id_postcode">NS9 9ZZ is not in Ward 1' in body
    over = anon_client_a.post(url, {**form, "postcode": "NS1 1AA", "choices": map(str, ids)})
    assert over.status_code == 409
    assert 'id="choices-error"' in over.content.decode()
    assert "more than the budget of £10,000" in over.content.decode()
    not_a_date = anon_client_a.post(url, {**form, "date_of_birth_month": "13"})
    assert not_a_date.status_code == 400
    assert 'id="id_date_of_birth-error"' in not_a_date.content.decode()
    assert "Date of birth must be a real date" in not_a_date.content.decode()
    assert '<a href="#id_date_of_birth">' in not_a_date.content.decode()
    no_year = anon_client_a.post(url, {**form, "date_of_birth_year": ""})
    assert no_year.status_code == 400
    assert "must include a day, a month and a year" in no_year.content.decode()
    assert 'value="5"' in no_year.content.decode()  # what was typed is kept
    ok = anon_client_a.post(url, {**form, "postcode": "NS1 1AA"})
    assert ok.status_code == 302
    with in_council(council_a):
        assert Ballot.objects.filter(process=process).count() == 1


def test_a_paper_ballot_entered_after_the_count_is_refused_and_not_counted(
    council_a, in_council, make_process
):
    """The count locks the process; a ballot checks it under a share lock, so even one whose
    process object was read before the count is refused after it."""
    from commissioning.participation.models import Process

    with in_council(council_a):
        process = make_process(stage="closed")
        _vote(process, "Bulbs", channel=Ballot.Channel.PAPER)
        stale = Process.objects.get(pk=process.pk)  # read before the count
        actions.count(process)
        assert stale.counted_at is None
        with pytest.raises(Refused, match="have been counted"):
            _vote(stale, "Benches", name="Late Paper", channel=Ballot.Channel.PAPER)
        assert Ballot.objects.filter(process=process).count() == 1


def test_the_public_forms_errors_name_their_field_govuk_style():
    from commissioning.participation.forms import ProposalForm, VoteForm

    vote = VoteForm({})
    assert not vote.is_valid()
    assert vote.errors["name"] == ["Enter your full name"]
    assert vote.errors["address"] == ["Enter the first line of your address"]
    assert vote.errors["postcode"] == ["Enter your postcode"]
    assert vote.errors["date_of_birth"] == ["Enter your date of birth"]
    proposal = ProposalForm({"estimated_cost": "lots", "proposer_email": "me"})
    assert not proposal.is_valid()
    assert proposal.errors["title"] == ["Enter the project's name"]
    assert proposal.errors["summary"] == ["Enter a summary of the project"]
    assert proposal.errors["estimated_cost"] == ["The estimated cost must be a number"]
    assert proposal.errors["proposer_email"] == [
        "Enter an email address in the correct format, like name@example.com"
    ]
    assert not any("This field is required." in m for e in proposal.errors.values() for m in e)


def test_the_data_migration_takes_proposers_names_out_of_grants_awarded_before(
    council_a, in_council, make_process
):
    """participation 0002: a grant an earlier award made out to the proposer (no group named)
    names the ward's residents; a grant to a named group, or renamed by staff since, is left."""
    import importlib

    from django.apps import apps

    from commissioning.funding.models import Grant

    migration = importlib.import_module(
        "commissioning.participation.migrations.0002_pb_grants_name_residents"
    )
    with in_council(council_a):
        process = make_process(stage="closed")
        _vote(process, "Bulbs", "Play area", channel=Ballot.Channel.PAPER)
        actions.count(process)
        actions.publish_results(process)
        actions.award_winners(process)
        bulbs, play = (process.proposals.get(title=t) for t in ("Bulbs", "Play area"))
        # As the award before the fix left them: the proposer as the open feed's recipient.
        Grant.objects.filter(pk=bulbs.grant_id).update(recipient_name=bulbs.proposer_name)
        Proposal.objects.filter(pk=play.pk).update(recipient_name="Friends of the Park")
        Grant.objects.filter(pk=play.grant_id).update(recipient_name="Friends of the Park")
        assert bulbs.proposer_name and not bulbs.recipient_name

        migration.name_the_residents(apps, None)

        names = dict(Grant.objects.values_list("pk", "recipient_name"))
        assert names[bulbs.grant_id] == f"Residents of {process.ward_name}"
        assert names[play.grant_id] == "Friends of the Park"
