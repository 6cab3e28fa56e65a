"""The commissioning screens in the Wagtail admin: each role does its work in a browser through
the same actions as the API. Permissions (another commissioner's budget or commission is a 404,
a step needs the right role), bad input (a form error naming what was wrong, never a 500) and
the refusals the issue names, shown on the form."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from commissioning.commissions import actions
from commissioning.commissions.models import Commission, Priority
from commissioning.ledgers import actions as ledger
from commissioning.ledgers.models import Budget

ADMIN = "/admin/commissioning/"


@pytest.fixture
def ward(council_a, in_council, staff_client_factory):
    """Two ward councillors with £1,000 budgets; a client signed in as the first."""
    with in_council(council_a):
        mine = ledger.create_commissioner(
            "t", name="Cllr Ada Moss", kind="ward_councillor", area_code="E05900001"
        )
        theirs = ledger.create_commissioner("t", name="Cllr Bo Lee", kind="ward_councillor")
        budgets = []
        for c in (mine, theirs):
            b = ledger.create_budget("t", c, name="Ward budget", financial_year="2026-27")
            ledger.allocate("t", b, "1000.00")
            budgets.append(b)
    client = staff_client_factory(council_a, groups=("Commissioners",), username="ada@a.example")
    with in_council(council_a):
        ledger.add_member("t", mine, client.user, role="councillor")
    return client, budgets[0], budgets[1]


def test_a_councillor_sees_only_their_own_budget_and_commits_from_it(ward, council_a, in_council):
    client, mine, theirs = ward
    listing = client.get(f"{ADMIN}budgets/")
    assert listing.status_code == 200
    assert b"Cllr Ada Moss" in listing.content and b"Cllr Bo Lee" not in listing.content
    assert client.get(f"{ADMIN}budgets/{theirs.pk}/").status_code == 404
    assert client.get(f"{ADMIN}budgets/999999/").status_code == 404
    assert client.get(f"{ADMIN}budgets/abc/").status_code == 404
    people = client.get(f"{ADMIN}commissioners/")
    assert b"Cllr Ada Moss" in people.content and b"Cllr Bo Lee" not in people.content
    assert client.get(f"{ADMIN}commissioners/{theirs.commissioner_id}/edit/").status_code == 404

    page = client.get(f"{ADMIN}budgets/{mine.pk}/")
    assert page.status_code == 200 and b"Commit money" in page.content
    assert b"Allocate money" not in page.content  # finance allocates, not the councillor
    over = client.post(
        f"{ADMIN}budgets/{mine.pk}/",
        {"form": "commit", "commit-amount": "1500", "commit-description": "Too much"},
    )
    assert over.status_code == 409
    assert b"Available: 1000.00" in over.content and b"would overspend" in over.content
    bad = client.post(
        f"{ADMIN}budgets/{mine.pk}/",
        {"form": "commit", "commit-amount": "lots", "commit-description": "x"},
    )
    assert bad.status_code == 400 and b"is not an amount in pounds" in bad.content
    forbidden = client.post(
        f"{ADMIN}budgets/{mine.pk}/", {"form": "allocate", "allocate-amount": "5"}
    )
    # Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard
    assert forbidden.status_code == 302 and forbidden["Location"] == "/admin/"
    ok = client.post(
        f"{ADMIN}budgets/{mine.pk}/",
        {"form": "commit", "commit-amount": "250", "commit-description": "Summer trips"},
    )
    assert ok.status_code == 302
    with in_council(council_a):
        assert Budget.objects.get(pk=mine.pk).available == 750
        assert Budget.objects.get(pk=mine.pk).allocated == 1000  # the refused allocation
        assert Budget.objects.get(pk=theirs.pk).available == 1000
    assert (
        client.post(
            f"{ADMIN}budgets/{theirs.pk}/",
            {"form": "commit", "commit-amount": "1", "commit-description": "x"},
        ).status_code
        == 404
    )


def test_the_light_path_commits_from_the_ward_budget(ward, council_a, in_council):
    from commissioning.providers.models import Organization

    client, mine, theirs = ward
    with in_council(council_a):
        org = Organization.objects.create(name="Youth Trips CIC", description="Trips")
    form = client.get(f"{ADMIN}commissions/direct/")
    assert form.status_code == 200 and b"Youth Trips CIC" in form.content
    assert f'value="{theirs.pk}"'.encode() not in form.content  # another's budget not offered
    data = {
        "budget": mine.pk,
        "organization": org.pk,
        "title": "Youth trips",
        "need": "Young people have nowhere to go.",
        "price": "400",
        "months": "6",
    }
    assert client.post(f"{ADMIN}commissions/direct/", {**data, "price": "4000"}).status_code == 409
    assert (
        client.post(f"{ADMIN}commissions/direct/", {**data, "budget": theirs.pk}).status_code == 400
    )
    made = client.post(f"{ADMIN}commissions/direct/", data)
    assert made.status_code == 302
    with in_council(council_a):
        c = Commission.objects.get(title="Youth trips")
        assert c.stage == "contract" and Budget.objects.get(pk=mine.pk).available == 600
    assert client.get(made["Location"]).status_code == 200


def test_the_full_path_in_the_admin_with_a_provider_bidding_from_its_account(
    council_a, in_council, client_a, staff_client_factory
):
    from commissioning.providers import actions as providers
    from commissioning.providers.models import Organization

    with in_council(council_a):
        service = ledger.create_commissioner("t", name="Adult care", kind="council_service")
        budget = ledger.create_budget("t", service, name="Care", financial_year="2026-27")
        ledger.allocate("t", budget, "50000.00")
        org = Organization.objects.create(name="Riverside Care", description="Care")
        other = Organization.objects.create(name="Hill Care", description="Care")
        account = providers.create_provider_account(None, email="p@river.example", organization=org)
        account.user.set_password("bid-for-it-2026")
        account.user.save()
    made = client_a.post(
        f"{ADMIN}commissions/new/",
        {
            "commissioner": service.pk,
            "budget": budget.pk,
            "title": "Befriending",
            "need": "Older people are lonely.",
            "estimated_value": "20000",
        },
    )
    assert made.status_code == 302, made.content
    with in_council(council_a):
        c = Commission.objects.get(title="Befriending")
    url = f"{ADMIN}commissions/{c.pk}/"
    bad = client_a.post(url, {"step": "criteria", "criteria": "Quality: 60\nPrice: 30"})
    assert bad.status_code == 400 and b"add up to 100, not 90" in bad.content
    assert client_a.post(url, {"step": "cakes"}).status_code == 400
    assert (
        client_a.post(url, {"step": "criteria", "criteria": "Quality: 60\nPrice: 40"}).status_code
        == 302
    )
    past = client_a.post(url, {"step": "publish", "deadline": "2020-01-01T10:00"})
    assert past.status_code == 400 and b"must be in the future" in past.content
    deadline = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    assert client_a.post(url, {"step": "publish", "deadline": deadline}).status_code == 302

    provider = Client(HTTP_HOST=council_a.primary_domain)
    assert (
        provider.post(
            "/provider/sign-in/", {"username": "p@river.example", "password": "bid-for-it-2026"}
        ).status_code
        == 302
    )
    listing = provider.get("/provider/opportunities/")
    assert listing.status_code == 200 and b"Befriending" in listing.content
    assert (
        provider.post(
            f"/provider/opportunities/{c.pk}/bid/", {"price": "x", "proposal": "y"}
        ).status_code
        == 400
    )
    sent = provider.post(
        f"/provider/opportunities/{c.pk}/bid/", {"price": "18000", "proposal": "Weekly visits"}
    )
    assert sent.status_code == 302
    again = provider.post(
        f"/provider/opportunities/{c.pk}/bid/", {"price": "17000", "proposal": "Again"}
    )
    assert again.status_code == 409 and b"already bid" in again.content
    assert provider.get("/provider/opportunities/999999/bid/").status_code == 404
    sealed = client_a.get(url)
    assert b"Weekly visits" not in sealed.content and b"1 bid received" in sealed.content
    assert client_a.post(url, {"step": "close"}).status_code == 409  # sealed until the deadline

    with in_council(council_a):
        Commission.objects.filter(pk=c.pk).update(tender_deadline=timezone.now() - timedelta(1))
    late = provider.post(f"/provider/opportunities/{c.pk}/bid/", {"price": "1", "proposal": "Late"})
    assert late.status_code == 409 and b"Bids closed at" in late.content
    assert client_a.post(url, {"step": "close"}).status_code == 302
    evaluator = staff_client_factory(council_a, groups=("Commissioners",), username="eve@a.example")
    assert client_a.post(url, {"step": "evaluator", "username": "nobody"}).status_code == 400
    assert client_a.post(url, {"step": "evaluator", "username": "eve@a.example"}).status_code == 302
    with in_council(council_a):
        quality = c.criteria.get(name="Quality")
        bid = c.bids.get()
        actions.link_representative("t", evaluator.user, org)  # eve works for the bidder
    own = evaluator.post(url, {"step": "score", "bid": bid.pk, "criterion": quality.pk, "score": 9})
    assert own.status_code == 409 and b"your own organisation" in own.content
    not_evaluator = client_a.post(
        url, {"step": "score", "bid": bid.pk, "criterion": quality.pk, "score": 9}
    )  # not an evaluator of this commission: Wagtail's permission-denied redirect
    assert not_evaluator.status_code == 302 and not_evaluator["Location"] == "/admin/"
    wrong = client_a.post(url, {"step": "award", "organization": str(other.pk), "reasons": "x"})
    assert wrong.status_code == 409 and b"did not bid" in wrong.content
    page = client_a.get(url)
    assert b"Weekly visits" in page.content  # unsealed after the deadline
    won = client_a.post(url, {"step": "award", "organization": str(org.pk), "reasons": "Best"})
    assert won.status_code == 302
    with in_council(council_a):
        c.refresh_from_db()
        assert c.stage == "awarded" and c.decision_id and c.commitment_id
    contract = client_a.post(
        url,
        {
            "step": "contract",
            "start_date": "2026-04-01",
            "end_date": "2027-03-31",
            "kpis": "People visited: 40 people",
            "milestones": "2026-06-30 First review",
        },
    )
    assert contract.status_code == 302
    with in_council(council_a):
        kpi = c.contract.kpis.get()
    ret = client_a.post(
        url,
        {"step": "return", "period": "2026-Q2", "amount_invoiced": "4500", f"kpi-{kpi.pk}": "38"},
    )
    assert ret.status_code == 302
    with in_council(council_a):
        assert Budget.objects.get(pk=budget.pk).spent == 4500
        decision = c.decision_id
    run = client_a.get(url).content.decode()
    # The return names its KPI (it showed the KPI's database id), the award its decision.
    assert "2026-Q2: invoiced £4,500.00; People visited: 38</li>" in run
    assert f"No. {decision}: Award of &#x27;Befriending&#x27;, decided by Adult care" in run
    assert "Riverside Care for £" in run and "committed from Care 2026-27" in run


def test_the_new_commission_form_labels_every_field(client_a):
    """Each field has its label (only the title had one: the others were rendered bare)."""
    page = client_a.get(f"{ADMIN}commissions/new/").content.decode()
    for name in (
        "title",
        "need",
        "commissioner",
        "budget",
        "priority",
        "estimated_value",
        "area_code",
        "category",
    ):
        assert f'<label for="id_{name}" id="id_{name}-label">' in page, name


def test_the_new_priority_form_labels_every_field(client_a):
    """Each field has its label (only the title had one: the others were rendered bare)."""
    page = client_a.get(f"{ADMIN}priorities/new/").content.decode()
    for name in (
        "title",
        "outcome",
        "weight",
        "set_by",
        "metric_codes",
        "areas",
        "reasons",
        "published",
    ):
        assert f'<label for="id_{name}" id="id_{name}-label"' in page, name


def test_a_commissioner_cannot_run_or_see_another_commissioners_commission(
    ward, council_a, in_council
):
    client, mine, theirs = ward
    with in_council(council_a):
        c = actions.create_commission(
            "t",
            commissioner=theirs.commissioner,
            budget=theirs,
            title="Not yours",
            need="x",
            estimated_value="10",
        )
    assert client.get(f"{ADMIN}commissions/{c.pk}/").status_code == 404
    assert client.post(f"{ADMIN}commissions/{c.pk}/", {"step": "close"}).status_code == 404
    assert b"Not yours" not in client.get(f"{ADMIN}commissions/").content


def test_a_priority_change_is_previewed_before_it_is_saved(council_a, in_council, client_a):
    from intelligence.warehouse.actions import import_observations, save_area, save_metric

    with in_council(council_a):
        for metric in ("isolation", "poverty"):
            save_metric(
                metric_id=metric,
                title=metric.title(),
                kind="percentage",
                polarity="lower",
                unit="%",
                category="needs",
            )
        lines = ["metric_id,area_code,period,value,numerator,denominator"]
        for n, (iso, pov) in enumerate([(30, 5), (10, 40), (20, 20)], start=1):
            save_area(code=f"E05900{n:03d}", name=f"Ward {n}", kind="ward", parent_code="E06000901")
            lines += [
                f"isolation,E05900{n:03d},2025-26,{iso},,",
                f"poverty,E05900{n:03d},2025-26,{pov},,",
            ]
        import_observations("\n".join(lines) + "\n", filename="n.csv", council_code="E06000901")
        iso = actions.save_priority("m", title="Isolation", weight=1, metric_ids=["isolation"])
        actions.save_priority("m", title="Poverty", weight=5, metric_ids=["poverty"])
    url = f"{ADMIN}priorities/{iso.pk}/lever/"
    assert client_a.get(url).status_code == 200
    preview = client_a.post(url, {"weight": 5, "do": "preview"})
    assert preview.status_code == 200 and b"moves Ward 1 from" in preview.content
    with in_council(council_a):
        assert Priority.objects.get(pk=iso.pk).weight == 1  # nothing saved
    out = client_a.post(url, {"weight": 9, "do": "preview"})
    assert out.status_code == 400 and b"out of range" in out.content
    assert client_a.post(url, {"weight": 5, "do": "save"}).status_code == 302
    with in_council(council_a):
        assert Priority.objects.get(pk=iso.pk).weight == 5
    assert client_a.get(f"{ADMIN}priorities/999/lever/").status_code == 404
