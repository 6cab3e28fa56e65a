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


def _rate(rate):
    from django.conf import settings
    from django.test import override_settings

    framework = settings.REST_FRAMEWORK
    return override_settings(
        REST_FRAMEWORK={
            **framework,
            "DEFAULT_THROTTLE_RATES": {
                **framework["DEFAULT_THROTTLE_RATES"],
                "participation": rate,
            },
        },
        TRUSTED_PROXY_COUNT=0,
    )


def _vote_form(bulbs: int, surname: str) -> dict:
    return {
        "name": f"Jo {surname}",
        "date_of_birth_day": "27",
        "date_of_birth_month": "3",
        "date_of_birth_year": "1980",
        "address": "1 High Street",
        "postcode": "NS1 1AA",
        "choices": [str(bulbs)],
    }


def test_the_public_vote_and_proposal_forms_are_rate_limited_per_address(
    council_a,
    council_b,
    in_council,
    make_process,  # noqa: F811
):
    """Found by hand: anyone could post made-up residents' votes (any name and date of birth
    with a ward postcode) as fast as a script runs, and ask "has this person voted?" of the
    one-vote-each refusal for as many people as they liked. Posts to the public forms are now
    limited per client address (``PARTICIPATION_THROTTLE``); a forged ``X-Forwarded-For``
    does not reset the count, and each council counts its own."""
    from django.core.cache import caches
    from django.test import Client

    caches["default"].clear()
    with in_council(council_a):
        process = make_process()
        bulbs = process.proposals.get(title="Bulbs").pk
        proposals = make_process(stage="proposals", slug="ideas")
    with in_council(council_b):
        process_b = make_process()
        bulbs_b = process_b.proposals.get(title="Bulbs").pk
    client = Client(HTTP_HOST=council_a.primary_domain)
    url = f"/participate/{process.slug}/vote/"
    with _rate("3/hour"):
        statuses = [
            client.post(
                url, _vote_form(bulbs, surname), HTTP_X_FORWARDED_FOR=f"198.51.100.{i}"
            ).status_code
            for i, surname in enumerate(("Able", "Baker", "Carter", "Dawson"))
        ]
        assert statuses == [302, 302, 302, 429]
        refused = client.post(url, _vote_form(bulbs, "Ellis"))
        assert refused.status_code == 429
        assert "Too many attempts" in refused.content.decode()
        assert int(refused["Retry-After"]) > 0
        # proposing counts against the same limit
        idea = client.post(
            f"/participate/{proposals.slug}/propose/",
            {
                "title": "More bins",
                "summary": "x",
                "estimated_cost": "100",
                "proposer_name": "Jo Ellis",
                "proposer_email": "jo@example.org",
                "proposer_postcode": "NS1 1AA",
            },
        )
        assert idea.status_code == 429
        assert client.get(url).status_code == 200  # reading the form is not limited
        # another council's counter is its own
        other = Client(HTTP_HOST=council_b.primary_domain)
        assert other.post(f"/participate/{process_b.slug}/vote/", _vote_form(bulbs_b, "Fraser"))[
            "Location"
        ].endswith("/thanks/vote/")
    with in_council(council_a):
        assert Ballot.objects.filter(process=process).count() == 3
        assert not proposals.proposals.filter(title="More bins").exists()
