"""The disposal review and the decisions register in the Wagtail admin: a records manager runs
the schedule, decides each record (approve, extend, re-class), completes the batch and
downloads its certificate; decisions keep the 28-clear-day forward plan rule on the server;
policies are revised as new versions; actions arising are added and changed. Every write is the
API's action (the same audit entries); bad input answers with the reason and writes nothing;
council B's staff get 404 for council A's ids."""

import json
import re

import pytest

from tests.isolation.probe import MARKER

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def batch_a(council_a, file_plan_a, declare, in_council):
    """A batch of three records due today (a 0-month destroy schedule)."""
    from records import actions

    records = [
        declare(council_a, file_plan_a["minutes"], title=f"{MARKER} {name}")
        for name in ("Old minutes", "Kept minutes", "Misfiled contract")
    ]
    with in_council(council_a):
        batch = actions.run_disposal_schedule("setup")
        items = {i.record_id: i for i in batch.items.all()}
    return batch, records, [items[r.pk] for r in records]


def decide_body(items, choices):
    body = {}
    for item, (decision, months, new_class) in zip(items, choices, strict=True):
        prefix = f"item-{item.pk}-"
        body[prefix + "decision"] = decision
        body[prefix + "extend_months"] = months
        body[prefix + "new_class"] = new_class
        body[prefix + "note"] = ""
    return body


def test_review_a_batch_decide_each_record_complete_and_download_the_certificate(
    records_client_a, council_a, file_plan_a, batch_a, in_council
):
    from platform_core.audit.models import AuditEntry
    from records.models import Record

    batch, records, items = batch_a
    page = records_client_a.get(f"/admin/records/disposal/{batch.pk}/review/")
    assert page.status_code == 200 and "Old minutes" in text_of(page)
    saved = records_client_a.post(
        f"/admin/records/disposal/{batch.pk}/review/",
        decide_body(
            items,
            [
                ("approve", "", ""),
                ("extend", "12", ""),
                ("reclass", "", str(file_plan_a["contracts"].pk)),
            ],
        ),
    )
    assert saved.status_code == 302
    done = records_client_a.post(f"/admin/records/disposal/{batch.pk}/complete/")
    assert done.status_code == 302
    with in_council(council_a):
        statuses = {r.pk: r.status for r in Record.objects.filter(pk__in=[r.pk for r in records])}
        certified = AuditEntry.objects.filter(action="disposal.certified").count()
        decided = AuditEntry.objects.filter(action="disposal.decided").count()
    assert statuses[records[0].pk] == "destroyed"
    assert statuses[records[1].pk] == statuses[records[2].pk] == "open"
    assert (certified, decided) == (1, 3)
    certificate = records_client_a.get(f"/admin/records/disposal/{batch.pk}/certificate/")
    assert certificate.status_code == 200
    assert certificate["Content-Disposition"] == (
        f'attachment; filename="disposal-certificate-{batch.pk}.json"'
    )
    body = json.loads(certificate.content)
    assert len(body["sha256"]) == 64
    assert {r["id"]: r["decision"] for r in body["certificate"]["records"]} == {
        records[0].pk: "approve",
        records[1].pk: "extend",
        records[2].pk: "reclass",
    }


def test_bad_decisions_are_named_and_none_is_saved(
    records_client_a, council_a, batch_a, in_council
):
    from records.models import DisposalItem

    batch, _records, items = batch_a
    response = records_client_a.post(
        f"/admin/records/disposal/{batch.pk}/review/",
        decide_body(
            items,
            [("approve", "", ""), ("extend", "", ""), ("reclass", "", "")],
        ),
    )
    assert response.status_code == 200
    text = text_of(response)
    assert "Say by how many months to extend retention." in text
    assert "Choose the class to move the record to." in text
    assert "none were saved" in text
    nonsense = records_client_a.post(
        f"/admin/records/disposal/{batch.pk}/review/",
        decide_body(items, [("burn", "x", "999999")] * 3),
    )
    assert nonsense.status_code == 200 and "Select a valid choice." in text_of(nonsense)
    with in_council(council_a):
        assert set(DisposalItem.objects.filter(batch=batch).values_list("decision", flat=True)) == {
            "pending"
        }
    incomplete = records_client_a.post(f"/admin/records/disposal/{batch.pk}/complete/", follow=True)
    assert "The batch was not completed: Decide every record first" in text_of(incomplete)
    assert (
        records_client_a.get(f"/admin/records/disposal/{batch.pk}/certificate/").status_code == 404
    )


def test_running_the_schedule_with_nothing_due_says_so(records_client_a):
    response = records_client_a.post("/admin/records/disposal/new/", {})
    assert response.status_code == 200
    assert "Nothing new is due" in text_of(response)


def test_a_key_decision_needs_28_clear_days_on_the_forward_plan_or_an_urgency_reason(
    records_client_a, council_a, in_council
):
    from records.models import Decision

    base = {
        "title": "Close the Riverside library",
        "decision_maker": "Cabinet",
        "decision_date": "2026-03-31",
        "reasons": "Falling use",
        "is_key_decision": "on",
    }
    short = records_client_a.post(
        "/admin/records/decisions/new/", {**base, "forward_plan_date": "2026-03-03"}
    )
    assert short.status_code == 200
    assert "at least 28 clear days before the decision date; this one had 27" in text_of(short)
    with in_council(council_a):
        assert not Decision.objects.filter(title=base["title"]).exists()
    page = records_client_a.get("/admin/records/decisions/new/")
    assert b"data-records-forward-plan" in page.content and b"forward_plan.js" in page.content
    enough = records_client_a.post(
        "/admin/records/decisions/new/", {**base, "forward_plan_date": "2026-03-02"}
    )
    assert enough.status_code == 302
    with in_council(council_a):
        decision = Decision.objects.get(title=base["title"])
    published = records_client_a.post(f"/admin/records/decisions/{decision.pk}/publish/")
    assert published.status_code == 302
    action = records_client_a.post(
        "/admin/records/actions/new/",
        {
            "decision": decision.pk,
            "description": "Consult on community use",
            "owner": "Libraries",
            "status": "open",
        },
    )
    assert action.status_code == 302
    with in_council(council_a):
        decision.refresh_from_db()
        assert decision.published and decision.actions.count() == 1
    edit = records_client_a.get(f"/admin/records/decisions/edit/{decision.pk}/")
    assert "Consult on community use" in text_of(edit) and "Unpublish" in text_of(edit)


def test_policy_edit_is_a_new_version(records_client_a, council_a, in_council):
    from records.models import Policy

    created = records_client_a.post(
        "/admin/records/policies/new/", {"title": "Records retention policy", "owner": "IG"}
    )
    assert created.status_code == 302
    with in_council(council_a):
        policy = Policy.objects.get(title="Records retention policy")
    revised = records_client_a.post(
        f"/admin/records/policies/edit/{policy.pk}/",
        {"title": "Records retention policy", "owner": "Information governance"},
    )
    assert revised.status_code == 302
    with in_council(council_a):
        policy.refresh_from_db()
    assert (policy.version, policy.owner) == (2, "Information governance")
    listing = records_client_a.get("/admin/records/policies/")
    assert "Records retention policy" in text_of(listing)


def test_other_councils_staff_get_404_for_a_disposal_and_decision_ids(
    council_a, batch_a, records_client_b, in_council
):
    from records import actions

    batch, _records, _items = batch_a
    with in_council(council_a):
        decision = actions.create_decision(
            "setup", title=MARKER, decision_maker="Cabinet", decision_date="2026-01-05", reasons="r"
        )
        policy = actions.create_policy("setup", title=MARKER, owner="IG")
        item = actions.create_action_item("setup", decision, description=MARKER, owner="x")
    screens = [
        ("get", "/admin/records/disposal/{batch}/review/"),
        ("post", "/admin/records/disposal/{batch}/review/"),
        ("post", "/admin/records/disposal/{batch}/complete/"),
        ("get", "/admin/records/disposal/{batch}/certificate/"),
        ("get", "/admin/records/decisions/edit/{decision}/"),
        ("post", "/admin/records/decisions/edit/{decision}/"),
        ("post", "/admin/records/decisions/{decision}/publish/"),
        ("get", "/admin/records/policies/edit/{policy}/"),
        ("get", "/admin/records/actions/edit/{item}/"),
    ]
    ids = {"batch": batch.pk, "decision": decision.pk, "policy": policy.pk, "item": item.pk}
    missing = dict.fromkeys(ids, 987654)
    for method, screen in screens:
        for_a = getattr(records_client_b, method)(screen.format(**ids))
        nowhere = getattr(records_client_b, method)(screen.format(**missing))
        assert for_a.status_code == nowhere.status_code == 404, screen
        assert MARKER.encode() not in for_a.content


def test_people_without_disposal_rights_cannot_review_or_certify(
    council_a, batch_a, staff_client_factory
):
    batch, _records, _items = batch_a
    viewer = staff_client_factory(
        council_a, groups=("Records viewers",), username="viewer@alphaford.example"
    )
    for method, path in (
        ("get", f"/admin/records/disposal/{batch.pk}/review/"),
        ("post", f"/admin/records/disposal/{batch.pk}/complete/"),
        ("get", f"/admin/records/disposal/{batch.pk}/certificate/"),
        ("get", "/admin/records/disposal/"),
    ):
        assert getattr(viewer, method)(path).status_code in (302, 403), path
