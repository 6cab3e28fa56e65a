"""Provider accounts' webhook subscriptions (issue 15, item 4): /api/v1/provider/webhooks/.

A provider account subscribes HTTPS endpoints to the event types the catalogue opens to
providers; its endpoints receive only events addressed to every provider (an opportunity
published) or to its own organisation (its directory changes decided) — never another
organisation's, never the council's own event types, never another council's. Deliveries go to
real receivers on 127.0.0.1 through the relay."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from commissioning.providers import actions
from commissioning.providers.models import Organization, ProviderAccount, Service, ServiceChange
from platform_core.events import emit, webhooks
from platform_core.events.models import WebhookEndpoint
from platform_core.events.relay import relay_pending
from platform_core.events.testing import Receiver

pytestmark = pytest.mark.django_db

DECIDED = "providers.service_change.decided"
PUBLISHED = "commissioning.opportunity.published"
BASE = "/api/v1/provider/webhooks/"


@pytest.fixture
def receivers():
    started = []

    def start():
        r = Receiver().start()
        started.append(r)
        return r

    yield start
    for r in started:
        r.stop()


def _provider(council, name):
    """(API client of a provider account of a new organisation ``name``, organisation, one of
    its services)."""
    with schema_context(council.schema_name):
        org = Organization.objects.create(name=name, description=name)
        service = Service.objects.create(organization=org, name=f"{name} service")
        user = get_user_model().objects.create_user(
            f"{name.lower()}@{council.slug}.example", f"{name.lower()}@{council.slug}.example"
        )
        ProviderAccount.objects.create(user=user, organization=org)
        client = Client(HTTP_HOST=council.primary_domain)
        client.force_login(user)  # the user and the session live in the council's schema
    return client, org, service


def _subscribe(client, url, types=(DECIDED, PUBLISHED)):
    return client.post(
        BASE, {"url": url, "event_types": list(types)}, content_type="application/json"
    )


def _relay(council):
    with schema_context(council.schema_name):
        relay_pending()
        webhooks.deliver_due()


def _decide(council, service):
    with schema_context(council.schema_name):
        change = ServiceChange.objects.create(service=service, data={"name": "New name"})
        actions.decide_change(None, change, approve=False, note="Not yet")


def test_a_provider_subscribes_only_to_provider_event_types_and_sees_only_its_own(
    council_a, receivers
):
    x, org_x, _ = _provider(council_a, "Xenon")
    y, _, _ = _provider(council_a, "Yarrow")
    r = receivers()
    response = _subscribe(x, r.url)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"] and body["event_types"] == sorted([DECIDED, PUBLISHED])
    with schema_context(council_a.schema_name):
        assert WebhookEndpoint.objects.get(pk=body["id"]).organization == str(org_x.pk)

    # The council's own event types are not a provider's to subscribe to.
    refused = _subscribe(x, r.url, types=["records.record.destroyed"])
    assert refused.status_code == 400
    assert "event_types" in refused.json()["error"]["fields"], refused.json()
    unknown = _subscribe(x, r.url, types=["no.such.type"])
    assert unknown.status_code == 400
    private = _subscribe(x, "https://10.0.0.1/hook")
    assert private.status_code == 400 and "url" in private.json()["error"]["fields"]

    listed = x.get(BASE).json()
    assert [e["id"] for e in listed["results"]] == [body["id"]]
    assert "secret" not in listed["results"][0]
    # Yarrow sees none of Xenon's endpoints: listing, reading and deleting one is a 404.
    assert y.get(BASE).json()["results"] == []
    assert y.get(f"{BASE}{body['id']}/").status_code == 404
    assert y.delete(f"{BASE}{body['id']}/").status_code == 404
    assert x.get(f"{BASE}{body['id']}/").status_code == 200
    assert x.delete(f"{BASE}{body['id']}/").status_code == 204
    with schema_context(council_a.schema_name):
        assert not WebhookEndpoint.objects.filter(pk=body["id"]).exists()


def test_staff_without_a_provider_account_are_refused(council_a, client_a):
    assert client_a.get(BASE).status_code == 403
    anonymous = Client(HTTP_HOST=council_a.primary_domain)
    assert anonymous.get(BASE).status_code in (401, 403)


def test_provider_x_never_receives_provider_y_s_or_another_council_s_events(
    council_a, council_b, receivers
):
    x, org_x, service_x = _provider(council_a, "Xenon")
    y, org_y, service_y = _provider(council_a, "Yarrow")
    b, _, service_b = _provider(council_b, "Bramble")
    rx, ry, rb = receivers(), receivers(), receivers()
    assert _subscribe(x, rx.url).status_code == 201
    assert _subscribe(y, ry.url).status_code == 201
    assert _subscribe(b, rb.url).status_code == 201
    # A staff endpoint of council A subscribed to a council-only type, and Xenon's endpoint
    # forced (past the API's check) to that type too: providers still never get it.
    with schema_context(council_a.schema_name):
        endpoint_x = WebhookEndpoint.objects.get(organization=str(org_x.pk))
        WebhookEndpoint.objects.filter(pk=endpoint_x.pk).update(
            event_types=[DECIDED, PUBLISHED, "records.record.destroyed"]
        )

    _decide(council_a, service_y)  # Yarrow's change decided
    with schema_context(council_a.schema_name), transaction.atomic():
        opportunity = emit(
            PUBLISHED,
            subject="commissioning/commission/1",
            data={
                "commission": 1,
                "title": "Day services",
                "deadline": timezone.now().isoformat(),
                "url": "/provider/opportunities/1/bid/",
            },
        )
        destroyed = emit(
            "records.record.destroyed",
            subject="records/record/x",
            data={
                "record": 1,
                "uid": str(uuid.uuid4()),
                "reason": "test",
                "batch": None,
                "versions": [],
            },
        )
    _decide(council_b, service_b)  # council B's provider's change
    _relay(council_a)
    _relay(council_b)

    def received(r):
        return {(e["event"]["type"], e["event"]["data"].get("organization")) for e in r.requests}

    assert received(rx) == {(PUBLISHED, None)}  # the opportunity only: nothing of Yarrow's
    assert received(ry) == {(PUBLISHED, None), (DECIDED, str(org_y.pk))}
    assert destroyed["id"] not in {e["event"]["id"] for e in rx.requests}
    # Council B's provider got its own change, and nothing of council A's.
    assert {e["event"]["council"] for e in rb.requests} == {council_b.schema_name}
    assert opportunity["id"] not in {e["event"]["id"] for e in rb.requests}
    assert [e["event"]["type"] for e in rb.requests] == [DECIDED]

    _decide(council_a, service_x)
    _relay(council_a)
    decided_x = [e for e in rx.requests if e["event"]["type"] == DECIDED]
    assert [e["event"]["data"]["organization"] for e in decided_x] == [str(org_x.pk)]
    assert len([e for e in ry.requests if e["event"]["type"] == DECIDED]) == 1


def test_the_catalogue_names_each_type_s_audience(council_a):
    from platform_core.events import catalogue

    audiences = {t.type: t.audience for t in catalogue()}
    assert audiences[PUBLISHED] == "providers"
    assert audiences[DECIDED] == "organization"
    assert audiences["records.record.destroyed"] == ""


BID_DECIDED = "commissioning.bid.decided"


def _commission_with_bids(council, *organizations):
    """A commission of ``council`` published, bid on by each organisation, and closed."""
    from datetime import timedelta

    from commissioning.commissions import actions as commissions
    from commissioning.commissions.models import Commission
    from commissioning.ledgers import actions as ledger

    with schema_context(council.schema_name):
        commissioner = ledger.create_commissioner("test", name="Care", kind="council_service")
        budget = ledger.create_budget("test", commissioner, name="Care", financial_year="2026-27")
        ledger.allocate("test", budget, "100000.00")
        commission = commissions.create_commission(
            "test",
            commissioner=commissioner,
            budget=budget,
            title="Befriending",
            need="Older people are lonely.",
            estimated_value="30000",
        )
        commissions.set_criteria("test", commission, [{"name": "Quality", "weight": 100}])
        commission = commissions.publish_opportunity(
            "test", commission, deadline=timezone.now() + timedelta(days=7)
        )
        for n, org in enumerate(organizations):
            commissions.submit_bid(
                "test", commission, organization=org, price=f"{20000 + n}.50", proposal="We visit."
            )
        Commission.objects.filter(pk=commission.pk).update(
            tender_deadline=timezone.now() - timedelta(seconds=1)
        )
        commission.refresh_from_db()
        return commissions.close_bidding("test", commission)


def _award(council, commission, organization):
    from commissioning.commissions import actions as commissions

    with schema_context(council.schema_name):
        return commissions.award("test", commission, organization=organization, reasons="Best")


def test_each_bidder_hears_only_of_its_own_bid_s_outcome(council_a, council_b, receivers):
    """Provider X never receives Y's outcome (nor council B's); each event is about the
    receiving organisation's own bid and names no other bidder or price."""
    from platform_core.events.outbox import validate

    x, org_x, _ = _provider(council_a, "Xenon")
    y, org_y, _ = _provider(council_a, "Yarrow")
    b, org_b, _ = _provider(council_b, "Bramble")
    rx, ry, rb = receivers(), receivers(), receivers()
    for client, r in ((x, rx), (y, ry), (b, rb)):
        assert _subscribe(client, r.url, types=[BID_DECIDED]).status_code == 201
    # X's endpoint widened in the database to every provider type: still only its own bids.
    with schema_context(council_a.schema_name):
        WebhookEndpoint.objects.filter(organization=str(org_x.pk)).update(
            event_types=[BID_DECIDED, DECIDED, PUBLISHED]
        )
        zed = Organization.objects.create(name="Zed", description="Zed")  # bids, no account
    commission_a = _commission_with_bids(council_a, org_x, org_y, zed)
    commission_b = _commission_with_bids(council_b, org_b)
    _award(council_a, commission_a, org_x)
    _award(council_b, commission_b, org_b)
    _relay(council_a)
    _relay(council_b)

    def outcomes(r):
        return [e["event"] for e in r.requests if e["event"]["type"] == BID_DECIDED]

    with schema_context(council_a.schema_name):
        bids = {str(bid.organization_id): bid for bid in commission_a.bids.all()}
    [to_x] = outcomes(rx)
    [to_y] = outcomes(ry)
    [to_b] = outcomes(rb)
    for event in (to_x, to_y, to_b):
        validate(event)  # envelope and data schema
    assert (to_x["data"]["organization"], to_x["data"]["outcome"]) == (str(org_x.pk), "awarded")
    assert to_x["data"]["bid"] == bids[str(org_x.pk)].pk and to_x["data"]["price"] == "20000.50"
    assert (to_y["data"]["organization"], to_y["data"]["outcome"]) == (
        str(org_y.pk),
        "unsuccessful",
    )
    assert to_y["data"]["bid"] == bids[str(org_y.pk)].pk and to_y["data"]["price"] == "20001.50"
    # Nothing of the other bidders in what each receives: not their ids, bids or prices.
    body_x = b"".join(r["body"] for r in rx.requests)
    body_y = b"".join(r["body"] for r in ry.requests)
    for other in (str(org_y.pk), str(zed.pk), "20001.50", "20002.50"):
        assert other.encode() not in body_x
    for other in (str(org_x.pk), str(zed.pk), "20000.50", "20002.50"):
        assert other.encode() not in body_y
    # Council B's bidder got its own award and nothing of council A's.
    assert to_b["council"] == council_b.schema_name
    assert (to_b["data"]["organization"], to_b["data"]["outcome"]) == (str(org_b.pk), "awarded")
    assert {e["event"]["council"] for e in rb.requests} == {council_b.schema_name}
    assert {e["event"]["council"] for e in rx.requests + ry.requests} == {council_a.schema_name}
    # The council's outbox has one event per bid (Zed's too, for the council's own endpoints).
    with schema_context(council_a.schema_name):
        from platform_core.events.models import OutboxEvent

        emitted = OutboxEvent.objects.filter(type=BID_DECIDED)
        assert sorted(e.data["outcome"] for e in emitted) == ["awarded"] + ["unsuccessful"] * 2


def test_a_rolled_back_award_tells_no_bidder(council_a, receivers):
    from platform_core.events.models import OutboxEvent

    _, org_x, _ = _provider(council_a, "Xenon")
    commission = _commission_with_bids(council_a, org_x)
    from commissioning.commissions import actions as commissions

    with schema_context(council_a.schema_name):
        with pytest.raises(RuntimeError), transaction.atomic():
            commissions.award("test", commission, organization=org_x, reasons="Best")
            assert OutboxEvent.objects.filter(type=BID_DECIDED).count() == 1
            raise RuntimeError("a later step failed")
        assert not OutboxEvent.objects.filter(type=BID_DECIDED).exists()
