"""Council A's participatory budgets for the isolation probe: one process per stage, so each
route's control by A's own staff can succeed (a paper ballot while voting is open, a count
after it closes, publishing after the count, the award after publishing)."""

import datetime

from django.utils import timezone

from tests.isolation.probe import MARKER, Form, Seed


def _dates(stage: str) -> dict:
    now = timezone.now()
    day = datetime.timedelta(days=1)
    start = {"proposals": now - day, "voting": now - 5 * day, "closed": now - 9 * day}[stage]
    return {
        "proposals_open": start,
        "proposals_close": start + 2 * day,
        "voting_open": start + 4 * day,
        "voting_close": start + 8 * day,
    }


def _body(slug: str, stage: str = "voting") -> dict:
    return {
        "title": "Probe budget",
        "slug": slug,
        "summary": "Probe",
        "ward_code": "E05900001",
        "ward_name": "Probe ward",
        "budget": "1000",
        "postcodes": ["NS1 1AA"],
        "method": "knapsack",
        **{k: v.isoformat() for k, v in _dates(stage).items()},
    }


def probe_objects(w) -> None:
    from commissioning.participation import actions
    from commissioning.participation.models import Proposal

    def make(slug: str, stage: str):
        process = actions.save_process(
            title=f"{MARKER} {slug}",
            slug=slug,
            summary=MARKER,
            ward_code="E05900001",
            ward_name=f"{MARKER} ward",
            budget=1000,
            postcodes=["NS1 1AA"],
            **_dates(stage),
        )
        proposal = Proposal.objects.create(
            process=process,
            title=f"{MARKER} project",
            summary=MARKER,
            estimated_cost=100,
            cost=100,
            status="feasible",
            proposer_name=MARKER,
            proposer_email="p@probe.example",
            proposer_postcode="NS1 1AA",
        )
        return process, proposal

    w.pb_proposals, w.pb_new_proposal = make("probe-proposals", "proposals")
    w.pb_voting, w.pb_voting_proposal = make("probe-voting", "voting")
    w.pb_closed, _ = make("probe-closed", "closed")
    w.pb_counted, _ = make("probe-counted", "closed")
    w.pb_published, w.pb_published_proposal = make("probe-published", "closed")
    for process in (w.pb_counted, w.pb_published):
        actions.cast_vote(
            process,
            name="Probe Voter",
            date_of_birth=datetime.date(1970, 1, 1),
            postcode="NS1 1AA",
            choices=[process.proposals.get().pk],
            channel="paper",
        )
        actions.count(process)
    actions.publish_results(w.pb_published)


def probe_seeds() -> list[Seed]:
    voting = lambda w: {"pk": w.pb_voting.pk}  # noqa: E731
    ballot = lambda w: {  # noqa: E731
        "name": "Paper Voter",
        "date_of_birth": "1980-01-01",
        "postcode": "NS1 1AA",
        "choices": [w.pb_voting_proposal.pk],
    }
    return [
        Seed("participation-process-list", body={"POST": _body("probe-new")}),
        Seed(
            "participation-process-detail",
            kwargs=voting,
            body={"PUT": lambda w: _body("probe-voting"), "PATCH": {"summary": "Renamed"}},
        ),
        Seed("participation-process-paper-ballots", kwargs=voting, body={"POST": ballot}),
        Seed("participation-process-results", kwargs=voting),
        Seed(
            "participation-process-count",
            kwargs=lambda w: {"pk": w.pb_closed.pk},
            body={"POST": {}},
        ),
        Seed(
            "participation-process-publish",
            kwargs=lambda w: {"pk": w.pb_counted.pk},
            body={"POST": {}},
        ),
        Seed(
            "participation-process-award",
            kwargs=lambda w: {"pk": w.pb_published.pk},
            body={"POST": {}},
        ),
        Seed("participation-proposal-detail", kwargs=lambda w: {"pk": w.pb_new_proposal.pk}),
        Seed(
            "participation-proposal-check",
            kwargs=lambda w: {"pk": w.pb_new_proposal.pk},
            body={"POST": {"feasible": True, "cost": "50"}},
        ),
        # Wagtail admin: the processes (a ModelViewSet), a process's screen, a proposal's check
        # and the paper ballot form
        Seed(
            "participation:add",
            body={
                "POST": Form(
                    lambda w: {
                        "title": "Probe admin budget",
                        "slug": "probe-admin-budget",
                        "summary": "Probe",
                        "ward_code": "E05900001",
                        "ward_name": "Probe ward",
                        "postcodes": "NS1 1AA",
                        "budget": "1000",
                        "method": "knapsack",
                        "min_choices": "1",
                        **{
                            k: timezone.localtime(v + datetime.timedelta(days=30)).strftime(
                                "%Y-%m-%d %H:%M"
                            )
                            for k, v in _dates("proposals").items()
                        },
                    }
                )
            },
        ),
        Seed(
            "participation:edit",
            kwargs=lambda w: {"pk": w.pb_proposals.pk},
            body={"POST": Form({"summary": "Changed by the probe"})},
        ),
        Seed(
            "participation:run",
            kwargs=lambda w: {"pk": w.pb_closed.pk},
            body={"POST": {"step": "count"}},
        ),
        Seed(
            "participation:check",
            kwargs=lambda w: {"pk": w.pb_proposals.pk, "proposal_pk": w.pb_new_proposal.pk},
            body={"POST": {"feasible": "yes", "cost": "50", "note": ""}},
        ),
        Seed(
            "participation:paper_ballot",
            kwargs=voting,
            body={
                "POST": lambda w: {
                    "name": "Admin Paper Voter",
                    "date_of_birth": "1981-01-01",
                    "address": "1 Probe Street",
                    "postcode": "NS1 1AA",
                    "choices": [str(w.pb_voting_proposal.pk)],
                }
            },
        ),
        # Public pages on the council's website
        Seed("participation_process", kwargs=lambda w: {"slug": w.pb_voting.slug}),
        Seed(
            "participation_propose",
            kwargs=lambda w: {"slug": w.pb_proposals.slug},
            body={
                "POST": {
                    "title": "Probe idea",
                    "summary": "Probe",
                    "estimated_cost": "10",
                    "proposer_name": "Probe Resident",
                    "proposer_email": "r@probe.example",
                    "proposer_postcode": "NS1 1AA",
                }
            },
        ),
        Seed(
            "participation_vote",
            kwargs=lambda w: {"slug": w.pb_voting.slug},
            body={
                "POST": lambda w: {
                    "name": "Web Voter",
                    "date_of_birth_day": "2",
                    "date_of_birth_month": "2",
                    "date_of_birth_year": "1985",
                    "address": "1 Probe Street",
                    "postcode": "NS1 1AA",
                    "choices": [str(w.pb_voting_proposal.pk)],
                }
            },
        ),
        Seed(
            "participation_thanks",
            kwargs=lambda w: {"slug": w.pb_voting.slug, "what": "vote"},
            missing={"slug": "no-such-object-probe", "what": "vote"},
        ),
    ]
