"""Demo participatory budgets for ``make run``: one ward budget open for votes (with proposals,
online and paper ballots), and one finished (counted, results published, winners awarded as
grants in the 360Giving feed). Idempotent: nothing is added when the processes exist."""

import datetime

from django.utils import timezone

PROJECTS = [
    ("Play area refurbishment", "New swings and a safer surface at the park.", 6000),
    ("Benches on the riverside walk", "Six benches so older residents can rest.", 3500),
    ("Community fridge", "Share surplus food at the community centre.", 2500),
    ("Spring bulbs", "Volunteers plant bulbs along the main road.", 1200),
    ("Youth cooking club", "Weekly cooking sessions for 11 to 16 year olds.", 4000),
]


def _ledger_budget(ward) -> int:
    """The ward's participatory budget in the commissioning ledger (£10,000 allocated)."""
    from commissioning.ledgers import actions as ledgers

    commissioner = ledgers.create_commissioner(
        "demo",
        name=f"{ward.name} participatory budget",
        kind="ward_councillor",
        area_code=ward.code,
    )
    budget = ledgers.create_budget(
        "demo", commissioner, name=f"{ward.name} PB", financial_year="2026-27"
    )
    ledgers.allocate("demo", budget, "10000", memo="Demo allocation")
    return budget.pk


def seed_demo(council) -> None:
    from intelligence.warehouse import access as warehouse

    from . import actions
    from .models import Ballot, Process, Proposal

    wards = warehouse.areas(kind="ward")
    if not wards or Process.objects.exists():
        return
    now = timezone.now()
    day = datetime.timedelta(days=1)
    prefix = council.gss_code[-3:]
    postcodes = [f"NS{int(prefix) % 9 + 1} {n}AA" for n in range(1, 5)]
    specs = [
        (wards[0], "open", now - 20 * day),
        (wards[1 % len(wards)], "done", now - 60 * day),
    ]
    for ward, kind, start in specs:
        ledger_budget = _ledger_budget(ward) if kind == "done" else None
        process = actions.save_process(
            ledger_budget_id=ledger_budget,
            title=f"{ward.name} community budget",
            slug=f"{ward.name.lower().replace(' ', '-')}-budget",
            summary=f"How should £10,000 be spent in {ward.name}? Propose projects, then vote.",
            ward_code=ward.code,
            ward_name=ward.name,
            budget=10000,
            postcodes=postcodes,
            proposals_open=start,
            proposals_close=start + 7 * day,
            voting_open=start + 14 * day,
            voting_close=start + (40 if kind == "open" else 28) * day,
        )
        for title, summary, cost in PROJECTS:
            Proposal.objects.create(
                process=process,
                title=title,
                summary=summary,
                estimated_cost=cost,
                cost=cost,
                status="feasible",
                proposer_name="Demo resident",
                proposer_email="resident@example.org",
                proposer_postcode=postcodes[0],
                recipient_name=f"{ward.name} residents' association",
            )
        ids = list(process.proposals.order_by("pk").values_list("pk", flat=True))
        for n in range(40):
            chosen = [ids[n % 5], ids[(n + 2) % 5]]
            if sum(process.proposals.get(pk=c).cost for c in chosen) > process.budget:
                chosen = chosen[:1]
            actions.cast_vote(
                process,
                name=f"Demo Voter{n}",
                date_of_birth=datetime.date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
                postcode=postcodes[n % len(postcodes)],
                choices=chosen,
                channel=Ballot.Channel.PAPER,
                now=process.voting_open + day,
            )
        if kind == "done":
            actions.count(process)
            actions.publish_results(process)
            actions.award_winners(process)
