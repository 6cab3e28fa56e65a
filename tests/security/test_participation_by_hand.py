"""Participatory budgeting seen by an outsider (found by hand, 1 Dec 2026).

A resident who proposes a project without naming a group to run it gives their own name as the
proposer. When their project won, the award made it the grant's recipient, so the resident's
full name was published in the council's open 360Giving feed (CORS ``*``, no sign-in) as a
"recipient organisation", with an identifier made from it (``360G-<council>-org-jo-private``).
The public pages never show a proposer's name; the open feed must not either. The grant now
names the ward's residents instead; the proposal (staff only) keeps who proposed it.
"""

import datetime

import pytest

from commissioning.participation import actions
from commissioning.participation.models import Ballot
from commissioning.participation.tests.conftest import make_process  # noqa: F401 (fixture)
from tenants.actions import set_org_id

pytestmark = pytest.mark.django_db


def test_a_winning_residents_name_is_not_published_in_the_open_grants_feed(
    council_a,
    in_council,
    make_process,  # noqa: F811
    anon_client_a,
):
    with in_council(council_a):
        process = make_process(stage="closed")
        process.proposals.filter(title="Bulbs").update(
            proposer_name="Jo Quillfeather", proposer_email="jo@private.example"
        )
        process.proposals.filter(title="Benches").update(
            proposer_name="Sam Quillfeather", recipient_name="Friends of Ward 1 Park"
        )
        for n, surname in enumerate(("Able", "Baker", "Carter")):
            actions.cast_vote(
                process,
                name=f"Voter {surname}",
                date_of_birth=datetime.date(1970, 1, 1 + n),
                postcode="NS1 1AA",
                choices=list(
                    process.proposals.filter(title__in=["Bulbs", "Benches"]).values_list(
                        "pk", flat=True
                    )
                ),
                channel=Ballot.Channel.PAPER,
            )
        actions.count(process)
        actions.publish_results(process)
        winners = actions.award_winners(process)
        assert {w.title for w in winners} == {"Bulbs", "Benches"}
        bulbs = process.proposals.get(title="Bulbs")
        assert bulbs.proposer_name == "Jo Quillfeather"  # staff still know who proposed it
    set_org_id(council_a, "GB-LAE-ALF")
    response = anon_client_a.get("/api/v1/360giving/grants.json")
    assert response.status_code == 200
    body = response.content.decode()
    grants = {g["title"]: g for g in response.json()["grants"]}
    assert set(grants) == {"Bulbs", "Benches"}
    assert "Quillfeather" not in body and "quillfeather" not in body
    assert grants["Bulbs"]["recipientOrganization"][0]["name"] == "Residents of Ward 1"
    # control: a group named to run the project is the recipient, as before
    assert grants["Benches"]["recipientOrganization"][0]["name"] == "Friends of Ward 1 Park"
    # and the public pages show the results without any proposer's name
    page = anon_client_a.get(f"/participate/{process.slug}/")
    assert b"Bulbs" in page.content and b"Quillfeather" not in page.content
