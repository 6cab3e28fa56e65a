"""Council A's commissions at every stage, a priority, and how the isolation probe reaches every
commissions, priorities, OCDS and website route (see tests/isolation/__init__.py).

A's probe account (``probe@<slug>.example``, the superuser the probe signs in as) is made here
too, so it can be an evaluator and a provider representative, as the steps require."""

from datetime import timedelta

from tests.isolation.probe import FORM, MARKER, Form, Seed


def probe_objects(w) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from commissioning.commissions import actions
    from commissioning.commissions.models import Commission
    from commissioning.ledgers import actions as ledger
    from commissioning.providers.models import Organization
    from tenants.access import current_council

    slug = current_council().slug
    probe_user, _ = get_user_model().objects.get_or_create(
        username=f"probe@{slug}.example",
        defaults={"email": f"probe@{slug}.example", "is_staff": True, "is_superuser": True},
    )
    w.probe_username = probe_user.username
    commissioner = ledger.create_commissioner(
        "probe", name=f"{MARKER} service", kind="council_service", description=MARKER
    )
    budget = ledger.create_budget(
        "probe", commissioner, name=f"{MARKER} commissions", financial_year="2026-27"
    )
    ledger.allocate("probe", budget, "1000000.00")
    w.c_commissioner, w.c_budget = commissioner, budget
    w.pbh = ledger.create_commissioner(
        "probe",
        name=f"{MARKER} holder",
        kind="personal_budget_holder",
        care_coordinator=MARKER,
        payment_arrangement="direct_payment",
    )
    w.pbh_budget = ledger.create_budget("probe", w.pbh, name=MARKER, financial_year="2026-27")
    ledger.allocate("probe", w.pbh_budget, "10000.00")
    w.org_own = Organization.objects.create(name=f"{MARKER} own org", description=MARKER)
    w.org_bidder = Organization.objects.create(name=f"{MARKER} bidder", description=MARKER)
    actions.link_representative("probe", probe_user, w.org_own)
    now = timezone.now()

    def commission(title):
        c = actions.create_commission(
            "probe",
            commissioner=commissioner,
            budget=budget,
            title=f"{MARKER} {title}",
            need=MARKER,
            estimated_value="1000.00",
        )
        actions.set_criteria("probe", c, [{"name": MARKER, "weight": 100}])
        return c

    def closed(title):
        c = commission(title)
        actions.publish_opportunity("probe", c, deadline=now + timedelta(days=1))
        actions.submit_bid("probe", c, organization=w.org_bidder, price="900.00", proposal=MARKER)
        Commission.objects.filter(pk=c.pk).update(tender_deadline=now - timedelta(minutes=1))
        c.refresh_from_db()
        c = actions.close_bidding("probe", c)
        actions.add_evaluator("probe", c, probe_user)
        return c

    w.planning = commission("planning")
    w.to_publish = commission("to publish")
    w.tender = commission("tender")
    actions.publish_opportunity("probe", w.tender, deadline=now + timedelta(days=30))
    w.expired = commission("expired")
    actions.publish_opportunity("probe", w.expired, deadline=now + timedelta(days=1))
    from commissioning.commissions.models import Commission as C

    C.objects.filter(pk=w.expired.pk).update(tender_deadline=now - timedelta(minutes=1))
    w.evaluation = closed("evaluation")
    w.eval_bid = w.evaluation.bids.get()
    w.eval_criterion = w.evaluation.criteria.get()
    w.to_award = closed("to award")
    w.awarded = actions.award("probe", closed("awarded"), organization=w.org_bidder, reasons=MARKER)
    w.running = actions.award("probe", closed("running"), organization=w.org_bidder, reasons=MARKER)
    actions.start_contract(
        "probe", w.running, start_date=now.date(), end_date=now.date() + timedelta(days=90)
    )
    w.to_complete = actions.award(
        "probe", closed("to complete"), organization=w.org_bidder, reasons=MARKER
    )
    actions.start_contract(
        "probe", w.to_complete, start_date=now.date(), end_date=now.date() + timedelta(days=90)
    )
    w.priority = actions.save_priority(
        "probe", title=f"{MARKER} priority", weight=3, outcome=MARKER
    )


API_BODY = {
    "commissioning-commission-list": lambda w: {
        "commissioner": w.c_commissioner.pk,
        "budget": w.c_budget.pk,
        "title": "Probe commission",
        "need": "Probe need",
        "estimated_value": "100.00",
    },
}


def probe_seeds() -> list[Seed]:
    def pk(name):
        return lambda w: {"pk": getattr(w, name).pk}

    return [
        Seed(
            "commissioning-commission-list",
            body={"POST": API_BODY["commissioning-commission-list"]},
        ),
        Seed(
            "commissioning-commission-direct",
            body={
                "POST": lambda w: {
                    "commissioner": w.pbh.pk,
                    "budget": w.pbh_budget.pk,
                    "organization": str(w.org_bidder.pk),
                    "title": "Probe direct",
                    "need": "Probe",
                    "price": "10.00",
                }
            },
        ),
        Seed(("commissioning-commission-detail",), kwargs=pk("running")),
        Seed(
            "commissioning-commission-criteria",
            kwargs=pk("planning"),
            body={"POST": {"criteria": [{"name": "Quality", "weight": 100}]}},
        ),
        Seed(
            "commissioning-commission-publish",
            kwargs=pk("to_publish"),
            body={"POST": {"deadline": "2099-01-01T12:00:00Z"}},
        ),
        Seed(
            "commissioning-commission-evaluators",
            kwargs=pk("planning"),
            body={"POST": lambda w: {"username": w.probe_username}},
        ),
        Seed("commissioning-commission-bids", kwargs=pk("evaluation")),
        Seed("commissioning-commission-ranking", kwargs=pk("evaluation")),
        Seed(
            "commissioning-commission-submit-bid",
            kwargs=pk("tender"),
            body={
                "POST": lambda w: {
                    "organization": str(w.org_own.pk),
                    "price": "500.00",
                    "proposal": "Probe bid",
                }
            },
        ),
        Seed("commissioning-commission-close", kwargs=pk("expired"), body={"POST": {}}),
        Seed(
            "commissioning-commission-score",
            kwargs=pk("evaluation"),
            body={
                "POST": lambda w: {
                    "bid": w.eval_bid.pk,
                    "criterion": w.eval_criterion.pk,
                    "score": 7,
                }
            },
        ),
        Seed(
            "commissioning-commission-award",
            kwargs=pk("to_award"),
            body={"POST": lambda w: {"organization": str(w.org_bidder.pk), "reasons": "Probe"}},
        ),
        Seed(
            "commissioning-commission-contract",
            kwargs=pk("awarded"),
            body={"POST": {"start_date": "2026-04-01", "end_date": "2027-03-31"}},
        ),
        Seed(
            "commissioning-commission-returns",
            kwargs=pk("running"),
            body={"POST": {"period": "2026-Q1", "amount_invoiced": "1.00"}},
        ),
        Seed(
            "commissioning-commission-outcome",
            kwargs=pk("to_complete"),
            body={"POST": {"outcome": "Probe outcome", "rating": 3}},
        ),
        Seed(
            "commissioning-priority-list",
            body={"POST": {"title": "Probe priority", "weight": 2}},
        ),
        Seed(
            "commissioning-priority-detail",
            kwargs=pk("priority"),
            body={"PATCH": {"weight": 4}},
        ),
        Seed(
            "commissioning-priority-preview",
            body={"POST": lambda w: {"priority": w.priority.pk, "weight": 5}},
            control_writes=False,
            reason="a preview computes the effect of a change and saves nothing",
        ),
        Seed("ocds-record", kwargs=lambda w: {"ocid": w.running.ocid}),
        # Wagtail admin: commissions (run from need to outcome, the light path) and priorities
        Seed(
            "commissions:add",
            body={
                "POST": Form(
                    lambda w: {
                        "commissioner": str(w.c_commissioner.pk),
                        "budget": str(w.c_budget.pk),
                        "title": "Probe admin commission",
                        "need": "Probe need",
                        "estimated_value": "100.00",
                    }
                )
            },
            reason="B's form cannot name A's commissioner or budget (not among B's choices)",
        ),
        Seed(
            "commissions:direct",
            body={
                "POST": Form(
                    lambda w: {
                        "budget": str(w.pbh_budget.pk),
                        "organization": str(w.org_bidder.pk),
                        "title": "Probe direct",
                        "need": "Probe",
                        "price": "10.00",
                        "months": "6",
                    }
                )
            },
            reason="B's form cannot name A's budget or organisation (not among B's choices)",
        ),
        Seed(
            "commissions:run",
            kwargs=pk("planning"),
            body={"POST": {"step": "criteria", "criteria": "Quality: 100"}},
        ),
        Seed(
            "priorities:add",
            body={"POST": Form({"title": "Probe admin priority", "weight": "2"})},
        ),
        Seed("priorities:edit", kwargs=pk("priority"), body={"POST": FORM}),
        Seed(
            "priorities:lever",
            kwargs=pk("priority"),
            body={"POST": {"weight": "4", "do": "save"}},
        ),
        # the provider account's sealed bid (A's probe user keeps A's directory organisation)
        Seed(
            "provider:bid",
            kwargs=pk("tender"),
            body={"POST": {"price": "100.00", "proposal": "Probe bid"}},
        ),
        Seed("commissions-opportunity", kwargs=lambda w: {"ocid": w.tender.ocid}),
    ]
