"""Roles are model permissions granted to groups: an active account of the council (a resident,
an editor) reads nothing from the records or warehouse APIs; "Records viewers" read OFFICIAL
records and decisions but never see an OFFICIAL-SENSITIVE record's id; the warehouse needs
"Analysts"."""

import datetime

import pytest

pytestmark = pytest.mark.django_db

RECORDS_READS = (
    "/api/v1/records/records/",
    "/api/v1/records/classes/",
    "/api/v1/records/decisions/",
    "/api/v1/records/policies/",
    "/api/v1/records/action-items/",
    "/api/v1/records/records/search/?q=minutes",
)
WAREHOUSE_READS = ("/api/v1/warehouse/metrics/", "/api/v1/warehouse/observations/")


@pytest.fixture
def resident_a(council_a, staff_client_factory, in_council):
    """An active account of council A in no group (a resident who signed up to the website)."""
    client = staff_client_factory(council_a, groups=(), username="resident@alphaford.example")
    with in_council(council_a):
        client.user.is_staff = False
        client.user.save(update_fields=["is_staff"])
    return client


@pytest.fixture
def viewer_a(council_a, staff_client_factory):
    return staff_client_factory(
        council_a, groups=("Records viewers",), username="viewer@alphaford.example"
    )


@pytest.fixture
def linked(council_a, file_plan_a, declare, in_council):
    """An unpublished decision and a policy, each linked to one OFFICIAL and one
    OFFICIAL-SENSITIVE record; the official record is related to the sensitive one."""
    from records import actions

    official = declare(council_a, file_plan_a["minutes"], title="Cabinet minutes")
    sensitive = declare(
        council_a,
        file_plan_a["minutes"],
        title="Safeguarding case",
        classification="official_sensitive",
    )
    with in_council(council_a):
        actions.update_record("setup", official, related=[sensitive])
        decision = actions.create_decision(
            "setup",
            title="Close the library",
            decision_maker="Cabinet",
            decision_date=datetime.date(2026, 1, 5),
            summary="Closed",
            records=[official, sensitive],
        )
        policy = actions.create_policy("setup", title="Safeguarding", record=sensitive)
    return {"official": official, "sensitive": sensitive, "decision": decision, "policy": policy}


@pytest.mark.parametrize("url", RECORDS_READS + WAREHOUSE_READS)
def test_an_account_with_no_role_reads_nothing(resident_a, url):
    assert resident_a.get(url).status_code == 403


@pytest.mark.parametrize("url", RECORDS_READS + WAREHOUSE_READS)
def test_an_editor_reads_nothing_from_records_or_the_warehouse(
    council_a, staff_client_factory, url
):
    editor = staff_client_factory(
        council_a, groups=("Editors",), username="editor@alphaford.example"
    )
    assert editor.get(url).status_code == 403


def test_unpublished_decisions_need_a_records_role(resident_a, viewer_a, linked):
    url = f"/api/v1/records/decisions/{linked['decision'].pk}/"
    assert resident_a.get(url).status_code == 403
    assert viewer_a.get(url).status_code == 200


def test_records_viewers_never_see_the_id_of_an_official_sensitive_record(
    viewer_a, records_client_a, linked
):
    official, sensitive = linked["official"].pk, linked["sensitive"].pk
    decisions = viewer_a.get("/api/v1/records/decisions/").json()["results"]
    assert [d["records"] for d in decisions] == [[official]]
    records = viewer_a.get("/api/v1/records/records/").json()["results"]
    assert [(r["id"], r["related"]) for r in records] == [(official, [])]
    assert viewer_a.get(f"/api/v1/records/records/{official}/").json()["related"] == []
    policy = viewer_a.get(f"/api/v1/records/policies/{linked['policy'].pk}/").json()
    assert policy["record"] is None
    for body in (
        viewer_a.get("/api/v1/records/decisions/").content,
        viewer_a.get("/api/v1/records/records/").content,
        viewer_a.get("/api/v1/records/policies/").content,
    ):
        assert b"Safeguarding case" not in body
    # records managers see both
    managed = records_client_a.get("/api/v1/records/decisions/").json()["results"]
    assert sorted(managed[0]["records"]) == sorted([official, sensitive])
    policy = records_client_a.get(f"/api/v1/records/policies/{linked['policy'].pk}/").json()
    assert policy["record"] == sensitive


def test_records_viewers_cannot_write_hold_dispose_or_read_the_audit_log(
    viewer_a, linked, file_plan_a
):
    official = linked["official"].pk
    assert viewer_a.get(f"/api/v1/records/records/{official}/").status_code == 200
    for method, url, body in (
        ("patch", f"/api/v1/records/records/{official}/", {"title": "x"}),
        ("post", f"/api/v1/records/records/{official}/close/", {}),
        ("post", "/api/v1/records/decisions/", {"title": "x"}),
        ("post", f"/api/v1/records/decisions/{linked['decision'].pk}/publish/", {}),
        ("get", "/api/v1/records/holds/", None),
        ("get", "/api/v1/records/disposal-batches/", None),
        ("get", "/api/v1/records/audit/", None),
        ("get", "/api/v1/records/audit/verify/", None),
        ("get", f"/api/v1/records/records/{official}/audit/", None),
    ):
        call = getattr(viewer_a, method)
        answer = call(url, body, content_type="application/json") if body is not None else call(url)
        assert answer.status_code == 403, (method, url)


def test_the_warehouse_needs_the_analyst_role(council_a, staff_client_factory, viewer_a):
    analyst = staff_client_factory(
        council_a, groups=("Analysts",), username="analyst@alphaford.example"
    )
    assert analyst.get("/api/v1/warehouse/metrics/").status_code == 200
    assert viewer_a.get("/api/v1/warehouse/metrics/").status_code == 403
    assert analyst.get("/api/v1/records/records/").status_code == 403


def test_provisioning_gives_every_council_the_roles_as_permissions(
    council_a, council_b, in_council
):
    from django.contrib.auth.models import Group

    for council in (council_a, council_b):
        with in_council(council):

            def perms(name):
                group = Group.objects.get(name=name)
                return {
                    f"{p.content_type.app_label}.{p.codename}"
                    for p in group.permissions.select_related("content_type")
                }

            viewers, managers, analysts = (
                perms("Records viewers"),
                perms("Records managers"),
                perms("Analysts"),
            )
            admins = perms("Council administrators")
            assert "records.view_record" in viewers
            assert "records.view_sensitive_record" not in viewers
            assert {"records.view_sensitive_record", "audit.view_auditentry"} <= managers
            assert {"warehouse.view_metric", "warehouse.add_observation"} <= analysts
            assert not any(p.startswith("records.") for p in analysts)
            assert managers | analysts <= admins | {"wagtailadmin.access_admin"}
