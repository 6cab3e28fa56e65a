"""The decisions register: key-decision notice, publication on the website and open feeds."""

import csv
import io
from datetime import date

import pytest
from django_tenants.utils import schema_context
from wagtail.models import Site

from records import actions
from records.models import DecisionsIndexPage
from tests.isolation.probe import MARKER

pytestmark = pytest.mark.django_db

DECISION = {
    "title": "Close the Riverside depot",
    "decision_maker": "Cabinet",
    "decision_date": "2026-03-31",
    "reasons": "The depot is no longer needed.",
    "alternatives_considered": "Refurbish it.",
    "consultation": "Staff and unions, six weeks.",
}


def test_key_decision_needs_28_clear_days_on_the_forward_plan(records_client_a):
    too_late = records_client_a.post(
        "/api/v1/records/decisions/",
        {**DECISION, "is_key_decision": True, "forward_plan_date": "2026-03-03"},
        content_type="application/json",
    )
    assert too_late.status_code == 400
    assert "at least 28 clear days" in too_late.json()["error"]["fields"]["forward_plan_date"][0]
    on_time = records_client_a.post(
        "/api/v1/records/decisions/",
        {**DECISION, "is_key_decision": True, "forward_plan_date": "2026-03-02"},
        content_type="application/json",
    )
    assert on_time.status_code == 201, on_time.content
    urgent = records_client_a.post(
        "/api/v1/records/decisions/",
        {**DECISION, "is_key_decision": True, "urgency_reason": "Flood damage"},
        content_type="application/json",
    )
    assert urgent.status_code == 201
    assert actions.clear_days(date(2026, 3, 2), date(2026, 3, 31)) == 28


def test_decision_links_records_and_actions_arising(
    records_client_a, council_a, file_plan_a, declare
):
    record = declare(council_a, file_plan_a["minutes"])
    decision = records_client_a.post(
        "/api/v1/records/decisions/",
        {**DECISION, "records": [record.pk]},
        content_type="application/json",
    ).json()
    action = records_client_a.post(
        "/api/v1/records/action-items/",
        {
            "decision": decision["id"],
            "description": "Sell the site",
            "owner": "Estates",
            "due_date": "2026-09-30",
        },
        content_type="application/json",
    )
    assert action.status_code == 201
    done = records_client_a.patch(
        f"/api/v1/records/action-items/{action.json()['id']}/",
        {"status": "done"},
        content_type="application/json",
    )
    assert done.json()["status"] == "done"
    body = records_client_a.get(f"/api/v1/records/decisions/{decision['id']}/").json()
    assert body["records"] == [record.pk] and body["actions"][0]["status"] == "done"


def test_policy_revision_increments_its_version(records_client_a):
    policy = records_client_a.post(
        "/api/v1/records/policies/",
        {"title": "Lettings policy", "owner": "Housing"},
        content_type="application/json",
    ).json()
    revised = records_client_a.patch(
        f"/api/v1/records/policies/{policy['id']}/",
        {"review_date": "2027-04-01"},
        content_type="application/json",
    ).json()
    assert (policy["version"], revised["version"]) == (1, 2)


def test_published_decisions_appear_in_open_feeds_and_on_the_website(records_client_b, council_b):
    """Run in council B: a page created in A would shift A's page ids, which the isolation
    probe uses as ids that exist only in A."""
    from django.test import Client

    anonymous = Client(HTTP_HOST=council_b.primary_domain)
    manager = records_client_b
    draft = manager.post(
        "/api/v1/records/decisions/",
        {**DECISION, "title": "Draft only"},
        content_type="application/json",
    ).json()
    published = manager.post(
        "/api/v1/records/decisions/", DECISION, content_type="application/json"
    ).json()
    assert manager.post(f"/api/v1/records/decisions/{published['id']}/publish/").status_code == 200
    feed = anonymous.get("/api/v1/records/open/decisions.json")
    assert feed.status_code == 200
    assert [d["title"] for d in feed.json()["decisions"]] == [DECISION["title"]]
    rows = list(
        csv.DictReader(
            io.StringIO(anonymous.get("/api/v1/records/open/decisions.csv").content.decode())
        )
    )
    assert [r["title"] for r in rows] == [DECISION["title"]]
    with schema_context(council_b.schema_name):
        home = Site.objects.get(is_default_site=True).root_page
        index = home.add_child(instance=DecisionsIndexPage(title="Decisions", slug="decisions"))
    listing = anonymous.get("/decisions/")
    assert listing.status_code == 200
    assert DECISION["title"].encode() in listing.content and b"Draft only" not in listing.content
    page = anonymous.get(f"/decisions/{published['id']}/")
    assert page.status_code == 200 and b"Staff and unions" in page.content
    assert anonymous.get(f"/decisions/{draft['id']}/").status_code == 404
    assert index.pk


def test_council_b_feed_and_api_never_show_council_a_decisions(
    council_a, client_b, records_client_b
):
    with schema_context(council_a.schema_name):
        decision = actions.create_decision(
            "rm", **{**DECISION, "title": MARKER, "decision_date": date(2026, 3, 31)}
        )
        actions.publish_decision("rm", decision)
    assert (
        MARKER.encode() not in records_client_b.get("/api/v1/records/open/decisions.json").content
    )
    assert MARKER.encode() not in records_client_b.get("/api/v1/records/open/decisions.csv").content
    for_a = records_client_b.get(f"/api/v1/records/decisions/{decision.pk}/")
    missing = records_client_b.get("/api/v1/records/decisions/987654/")
    assert for_a.status_code == missing.status_code == 404
