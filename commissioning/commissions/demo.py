"""Demo priorities and commissions at every stage for ``make run`` (the registry's demo phase,
after the directory, the warehouse and the ledgers' demo). Idempotent: nothing is added when the
council already has commissions."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

DEMO_PRIORITIES = [
    (
        "Older people's isolation",
        "Fewer older people lonely or cut off, especially after a hospital stay.",
        2,
        ["imd-score"],
        "Cabinet member for adult social care",
    ),
    (
        "Children growing up in poverty",
        "Fewer children in low-income families; more family support where poverty is highest.",
        4,
        ["child-poverty"],
        "Cabinet",
    ),
]


def _user(council, name: str):
    User = get_user_model()
    username = f"{name}@{council.slug}.example"
    user, created = User.objects.get_or_create(username=username, defaults={"email": username})
    if created:
        user.set_unusable_password()
        user.save()
    return user


def seed_demo(council) -> None:
    from commissioning.ledgers import access as ledgers
    from commissioning.providers import access as providers

    from . import actions
    from .models import Commission, Priority

    if Commission.objects.exists():
        return
    orgs = {o.name: o for o in providers.organizations()}
    commissioners = {c.name: c for c in ledgers.all_commissioners()}
    if len(orgs) < 5 or "Adult Social Care" not in commissioners:
        return  # the directory or ledgers demo is missing: nothing to commission from

    def budget(name):
        return commissioners[name].budgets.first()

    priorities = {}
    if not Priority.objects.exists():
        for title, outcome, weight, metrics, set_by in DEMO_PRIORITIES:
            priorities[title] = actions.save_priority(
                "demo",
                title=title,
                outcome=outcome,
                weight=weight,
                metric_ids=metrics,
                area_codes=[],
                set_by=set_by,
            )
    else:
        priorities = {p.title: p for p in Priority.objects.all()}
    isolation = priorities.get("Older people's isolation")
    poverty = priorities.get("Children growing up in poverty")
    asc, cf = commissioners["Adult Social Care"], commissioners["Children and Families"]
    now = timezone.now()

    def new(commissioner, title, need, value, category, priority, criteria=True):
        c = actions.create_commission(
            "demo",
            commissioner=commissioner,
            budget=budget(commissioner.name),
            title=title,
            need=need,
            estimated_value=value,
            category=category,
            priority=priority,
        )
        if criteria:
            actions.set_criteria(
                "demo",
                c,
                [
                    {"name": "Quality and outcomes", "weight": 50},
                    {"name": "Price", "weight": 30},
                    {"name": "Social value", "weight": 20},
                ],
            )
        return c

    def bid_and_close(c, bidders):
        actions.publish_opportunity("demo", c, deadline=now + timedelta(days=14))
        for org_name, price in bidders:
            actions.submit_bid(
                "demo", c, organization=orgs[org_name], price=price, proposal=f"{org_name}'s offer."
            )
        # Demo only: the closing date passes (in real life, time does this).
        Commission.objects.filter(pk=c.pk).update(tender_deadline=now - timedelta(minutes=1))
        c.refresh_from_db()
        return actions.close_bidding("demo", c)

    def evaluate(c):
        lead = _user(council, "commissioning.lead")
        second = _user(council, "evaluator")
        actions.add_evaluator("demo", c, lead, moderator=False)
        actions.add_evaluator("demo", c, second, moderator=False)
        for n, bid in enumerate(c.bids.order_by("id")):
            for criterion in c.criteria.all():
                actions.score_bid(lead, bid, criterion, 7 - n)
                actions.score_bid(second, bid, criterion, 6 - n)

    # 1. A need identified (planning).
    new(
        asc,
        "Befriending for older people",
        "Older people living alone report loneliness; many have no visitor in a typical week.",
        "40000.00",
        "Adult social care",
        isolation,
    )
    # 2. Open for bids (tender), one sealed bid in.
    c = new(
        asc,
        "Carers breaks service",
        "Unpaid carers need regular short breaks to keep caring.",
        "35000.00",
        "Carers support",
        isolation,
    )
    actions.publish_opportunity("demo", c, deadline=now + timedelta(days=21))
    actions.submit_bid(
        "demo", c, organization=orgs["Hillview Carers Centre"], price="33000.00", proposal="Breaks."
    )
    # 3. Evaluation: bids opened and scored.
    c = bid_and_close(
        new(
            cf,
            "School holiday activities and food",
            "Children on free school meals go without activities and food in the holidays.",
            "24000.00",
            "Youth services",
            poverty,
        ),
        [("Youth Action", "22000.00"), ("Little Steps Nurseries", "23500.00")],
    )
    evaluate(c)
    # 4. Awarded (a published decision and a commitment).
    c = bid_and_close(
        new(
            asc,
            "Peer support for mental health",
            "Adults leaving mental health services need peer support in their community.",
            "18000.00",
            "Mental health support",
            isolation,
        ),
        [("Open Minds Wellbeing", "17500.00"), ("Citizens Advice Demo", "18000.00")],
    )
    evaluate(c)
    actions.award(
        "demo", c, organization=orgs["Open Minds Wellbeing"], reasons="Highest weighted score."
    )
    # 5. A running contract with KPIs, milestones and a monitoring return (spend).
    c = bid_and_close(
        new(
            asc,
            "Home from hospital",
            "Older people discharged from hospital need help at home for the first weeks.",
            "30000.00",
            "Home care",
            isolation,
        ),
        [("Riverside Care", "28000.00")],
    )
    evaluate(c)
    actions.award("demo", c, organization=orgs["Riverside Care"], reasons="Only and good bid.")
    contract = actions.start_contract(
        "demo",
        c,
        start_date=date(2026, 4, 1),
        end_date=date(2027, 3, 31),
        kpis=[
            {"name": "People supported home", "target": 120, "unit": "people"},
            {
                "name": "Readmitted within 30 days",
                "target": 10,
                "unit": "%",
                "higher_is_better": False,
            },
        ],
        milestones=[
            {"title": "Service live", "due_date": date(2026, 4, 1)},
            {"title": "Six-month review", "due_date": date(2026, 10, 1)},
        ],
    )
    kpis = list(contract.kpis.order_by("id"))
    actions.meet_milestone(
        "demo", contract.milestones.order_by("due_date").first(), date(2026, 4, 1)
    )
    actions.submit_return(
        "demo",
        contract,
        period="2026-Q1",
        values={str(kpis[0].pk): 34, str(kpis[1].pk): 8.5},
        amount_invoiced="7000.00",
    )
    # 6. Complete, the outcome measured against the priority.
    c = bid_and_close(
        new(
            asc,
            "Stop smoking clinic pilot",
            "Smoking rates are highest in the most deprived wards.",
            "9000.00",
            "Stop smoking",
            None,
        ),
        [("Open Minds Wellbeing", "8500.00")],
    )
    evaluate(c)
    actions.award("demo", c, organization=orgs["Open Minds Wellbeing"], reasons="Good value.")
    contract = actions.start_contract(
        "demo", c, start_date=date(2025, 4, 1), end_date=date(2026, 3, 31)
    )
    actions.submit_return("demo", contract, period="2025-26", values={}, amount_invoiced="8000.00")
    actions.record_outcome(
        "demo", c, outcome="112 people set a quit date; 41 had quit at four weeks.", rating=4
    )
    # 7. The light path: a personal budget holder and a ward councillor choose and commit.
    pbh = commissioners["Margaret Hughes"]
    actions.direct_commission(
        "demo",
        commissioner=pbh,
        budget=budget(pbh.name),
        organization=orgs["Riverside Care"],
        title="Day centre two days a week",
        need="Company and activities during the week.",
        price="2600.00",
    )
    member = commissioners["Cllr Priya Shah (Ward 1)"]
    actions.direct_commission(
        "demo",
        commissioner=member,
        budget=budget(member.name),
        organization=orgs["Youth Action"],
        title="Youth club summer trips",
        need="Young people in Ward 1 have little to do in the summer.",
        price="1200.00",
        months=3,
        priority=poverty,
    )
