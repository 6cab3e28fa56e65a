import pytest

from tests.isolation.probe import MARKER

pytestmark = pytest.mark.django_db


def test_records_manager_sees_dashboard_list_and_record(
    records_client_a, council_a, file_plan_a, declare
):
    from django_tenants.utils import schema_context

    from platform_core.events.relay import relay_pending

    record = declare(council_a, file_plan_a["minutes"], title=f"{MARKER} minutes")
    # Search indexing is an outbox handler after the commit, which the test's transaction never
    # reaches on its own: relay it.
    with schema_context(council_a.schema_name):
        relay_pending()
    dashboard = records_client_a.get("/admin/records/")
    assert dashboard.status_code == 200 and b"audit chain verifies" in dashboard.content
    listing = records_client_a.get("/admin/records/records/", {"q": "minutes"})
    assert MARKER.encode() in listing.content
    detail = records_client_a.get(f"/admin/records/records/{record.pk}/")
    assert detail.status_code == 200 and b"New version stored" in detail.content


def test_other_staff_and_other_councils_cannot_use_records_admin(
    staff_client_factory, council_a, records_client_b, file_plan_a, declare
):
    record = declare(council_a, file_plan_a["minutes"])
    editor = staff_client_factory(
        council_a, groups=("Editors",), username="editor@alphaford.example"
    )
    assert editor.get("/admin/records/").status_code in (302, 403)
    for_a = records_client_b.get(f"/admin/records/records/{record.pk}/")
    missing = records_client_b.get("/admin/records/records/987654/")
    assert for_a.status_code == missing.status_code == 404


def test_dashboard_checks_the_chain_from_the_newest_checkpoint_and_names_a_truncation(
    records_client_a, council_a, file_plan_a, declare, in_council
):
    from platform_core.audit.checkpoints import create_checkpoint
    from platform_core.audit.models import AuditEntry

    declare(council_a, file_plan_a["minutes"])
    with in_council(council_a):
        head = create_checkpoint().checkpoint.seq
    declare(council_a, file_plan_a["minutes"], title="Later minutes")
    dashboard = records_client_a.get("/admin/records/")
    assert f"matches the signed checkpoint of entry #{head}".encode() in dashboard.content
    with in_council(council_a):
        AuditEntry.objects.filter(seq__gt=head - 1).delete()
    broken = records_client_a.get("/admin/records/").content.decode()
    assert "(truncation)" in broken and "entries were deleted" in broken
    verify = records_client_a.get("/api/v1/records/audit/verify/").json()
    assert (verify["ok"], verify["problem"], verify["checkpoint_seq"]) == (
        False,
        "truncation",
        head,
    )
