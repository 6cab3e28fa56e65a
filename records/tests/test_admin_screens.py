"""The records managers' screens in the Wagtail admin: the register (declare, version, edit,
re-class), the file plan, legal holds and a record's audit trail. Each write goes through the
same action as the API, so the audit entries are the API's; bad input answers the form again
with the reason next to the field (never a 500) and writes nothing; council B's staff get the
same 404 for council A's ids as for ids that exist nowhere; OFFICIAL-SENSITIVE records are
never listed to people who may not read them."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from records.tests.files import make_pdf
from tests.isolation.probe import MARKER

pytestmark = pytest.mark.django_db

READABLE_TIME = re.compile(r"\b\d{1,2} [A-Z][a-z]+ 20\d\d, \d{1,2}:\d\d[ap]m\b")


def actions_logged(in_council, council, object_type, object_id):
    from platform_core.audit.models import AuditEntry

    with in_council(council):
        return list(
            AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id))
            .order_by("seq")
            .values_list("action", flat=True)
        )


def pdf(name="minutes.pdf", text="Council minutes"):
    return SimpleUploadedFile(name, make_pdf(text), content_type="application/pdf")


def errors_of(response) -> str:
    """The visible text of the page's form errors."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_readable_time_is_day_month_year_and_twelve_hour_clock():
    from datetime import UTC, datetime

    from records.templatetags.records_admin import readable_date, readable_time

    assert readable_time(datetime(2026, 11, 30, 10, 49, tzinfo=UTC)) == "30 November 2026, 10:49am"
    # Europe/London in summer is an hour ahead of UTC; noon and midnight read as 12
    assert readable_time(datetime(2026, 7, 1, 11, 5, tzinfo=UTC)) == "1 July 2026, 12:05pm"
    assert readable_time("2026-01-02T00:30:00+00:00") == "2 January 2026, 12:30am"
    assert readable_date(datetime(2026, 3, 4).date()) == "4 March 2026"
    assert readable_date(None) == ""


def test_file_plan_class_is_created_and_its_schedule_changed_through_the_actions(
    records_client_a, council_a, in_council
):
    from records.models import FilePlanClass

    response = records_client_a.post(
        "/admin/records/file-plan/new/",
        {
            "code": "LIC-01",
            "title": "Licensing",
            "trigger": "closure",
            "period_months": "24",
            "action": "destroy",
        },
    )
    assert response.status_code == 302
    with in_council(council_a):
        created = FilePlanClass.objects.get(code="LIC-01")
    listing = records_client_a.get("/admin/records/file-plan/", {"q": "Licensing"})
    assert b"Destroy: 24 months after closure of the record" in listing.content
    edit = records_client_a.post(
        f"/admin/records/file-plan/edit/{created.pk}/",
        {
            "code": "LIC-01",
            "title": "Licensing",
            "trigger": "closure",
            "period_months": "36",
            "action": "destroy",
        },
    )
    assert edit.status_code == 302
    assert actions_logged(in_council, council_a, "records.fileplanclass", created.pk) == [
        "class.created",
        "class.changed",
    ]


def test_file_plan_bad_input_names_the_field_and_writes_nothing(
    records_client_a, council_a, in_council
):
    from records.models import FilePlanClass

    with in_council(council_a):
        before = FilePlanClass.objects.count()
    too_long = records_client_a.post(
        "/admin/records/file-plan/new/",
        {
            "code": "X-1",
            "title": "X",
            "trigger": "creation",
            "period_months": "5000",
            "action": "destroy",
        },
    )
    no_event = records_client_a.post(
        "/admin/records/file-plan/new/",
        {
            "code": "X-2",
            "title": "X",
            "trigger": "event",
            "period_months": "5",
            "action": "destroy",
        },
    )
    nonsense = records_client_a.post(
        "/admin/records/file-plan/new/",
        {"code": "", "title": "X", "trigger": "whenever", "period_months": "-1", "action": "burn"},
    )
    assert too_long.status_code == no_event.status_code == nonsense.status_code == 200
    assert "Give a retention period of 0 to 1200 months." in errors_of(too_long)
    assert "An event trigger needs the name of the event." in errors_of(no_event)
    assert "Select a valid choice. whenever is not one of the available choices." in errors_of(
        nonsense
    )
    with in_council(council_a):
        assert FilePlanClass.objects.count() == before


def test_declare_with_a_file_then_add_a_version_edit_and_reclass(
    records_client_a, council_a, file_plan_a, in_council
):
    from records.models import Record

    declared = records_client_a.post(
        "/admin/records/records/new/",
        {
            "file": pdf(),
            "title": f"{MARKER} Cabinet minutes",
            "file_class": file_plan_a["minutes"].pk,
            "classification": "official",
            "owner": "Democratic services",
        },
    )
    assert declared.status_code == 302, errors_of(declared)
    with in_council(council_a):
        record = Record.objects.get(title=f"{MARKER} Cabinet minutes")
    assert declared["Location"] == f"/admin/records/records/{record.pk}/"
    version = records_client_a.post(
        f"/admin/records/records/{record.pk}/add-version/", {"file": pdf("v2.pdf", "Amended")}
    )
    assert version.status_code == 302
    edited = records_client_a.post(
        f"/admin/records/records/edit/{record.pk}/",
        {
            "title": f"{MARKER} Cabinet minutes (approved)",
            "file_class": file_plan_a["contracts"].pk,
            "classification": "official",
            "owner": "Democratic services",
        },
    )
    assert edited.status_code == 302, errors_of(edited)
    with in_council(council_a):
        record.refresh_from_db()
        assert (record.file_class_id, record.versions.count()) == (file_plan_a["contracts"].pk, 2)
    assert actions_logged(in_council, council_a, "records.record", record.pk) == [
        "record.declared",
        "version.created",
        "version.created",
        "record.changed",
    ]
    page = records_client_a.get(f"/admin/records/records/{record.pk}/")
    text = errors_of(page)
    assert "New version stored" in text and "Metadata changed" in text
    assert READABLE_TIME.search(text), "the audit trail shows times as '30 November 2026, 10:49am'"
    assert "file class: GOV-01 Committee minutes → CON-01 Contracts" in text


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (
            SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"),
            "The submitted file is empty.",
        ),
        (
            SimpleUploadedFile(
                "tool.exe", b"MZ\x90\x00" + b"\x00" * 60, content_type="application/octet-stream"
            ),
            "tool.exe",
        ),
        (SimpleUploadedFile("fake.pdf", b"just text", content_type="application/pdf"), "fake.pdf"),
    ],
    ids=["empty", "executable", "not-what-it-claims"],
)
def test_declare_with_a_bad_file_names_it_and_stores_nothing(
    records_client_a, council_a, file_plan_a, in_council, upload, expected
):
    from records.models import Record, RecordVersion

    response = records_client_a.post(
        "/admin/records/records/new/",
        {
            "file": upload,
            "title": "Bad",
            "file_class": file_plan_a["minutes"].pk,
            "classification": "official",
        },
    )
    assert response.status_code == 200
    assert expected in errors_of(response)
    with in_council(council_a):
        assert not Record.objects.filter(title="Bad").exists()
        assert RecordVersion.objects.count() == 0


def test_declare_without_a_file_or_class_says_which_is_missing(records_client_a):
    response = records_client_a.post("/admin/records/records/new/", {"title": "No file"})
    assert response.status_code == 200
    text = errors_of(response)
    assert text.count("This field is required.") >= 2


def test_hold_freezes_the_record_until_released_with_a_reason(
    records_client_a, council_a, file_plan_a, declare, in_council
):
    from records.models import LegalHold

    record = declare(council_a, file_plan_a["minutes"], title="Planning appeal bundle")
    form = records_client_a.get(f"/admin/records/holds/new/?record={record.pk}")
    assert re.search(rf'value="{record.pk}"[^>]*checked', form.content.decode())
    missing_reason = records_client_a.post(
        "/admin/records/holds/new/",
        {"name": "Appeal", "authority": "Legal", "records": [record.pk]},
    )
    assert missing_reason.status_code == 200 and "This field is required." in errors_of(
        missing_reason
    )
    placed = records_client_a.post(
        "/admin/records/holds/new/",
        {
            "name": "Appeal APP/1",
            "reason": "Planning appeal",
            "authority": "Legal services",
            "records": [record.pk],
        },
    )
    assert placed.status_code == 302
    with in_council(council_a):
        hold = LegalHold.objects.get(name="Appeal APP/1")
    refused = records_client_a.post(
        f"/admin/records/records/{record.pk}/add-version/", {"file": pdf("v2.pdf")}
    )
    assert refused.status_code == 200
    assert "The record is under a legal hold; its content is frozen" in errors_of(refused)
    reclass = records_client_a.post(
        f"/admin/records/records/edit/{record.pk}/",
        {
            "title": record.title,
            "file_class": file_plan_a["contracts"].pk,
            "classification": "official",
        },
    )
    assert reclass.status_code == 200 and "it cannot be re-classed" in errors_of(reclass)
    no_reason = records_client_a.post(f"/admin/records/holds/{hold.pk}/release/", {"reason": ""})
    assert no_reason.status_code == 200 and "This field is required." in errors_of(no_reason)
    released = records_client_a.post(
        f"/admin/records/holds/{hold.pk}/release/", {"reason": "Appeal withdrawn"}
    )
    assert released.status_code == 302
    again = records_client_a.post(f"/admin/records/holds/{hold.pk}/release/", {"reason": "Twice"})
    assert again.status_code == 200 and "already been released" in errors_of(again)
    assert actions_logged(in_council, council_a, "records.record", record.pk) == [
        "record.declared",
        "version.created",
        "record.held",
        "version.create.refused",
        "record.reclass.refused",
        "record.hold_released",
    ]


def test_records_can_be_added_to_an_active_hold(
    records_client_a, council_a, file_plan_a, declare, in_council
):
    from records import actions

    first = declare(council_a, file_plan_a["minutes"], title="First")
    second = declare(council_a, file_plan_a["minutes"], title="Second")
    with in_council(council_a):
        hold = actions.place_hold(
            "setup", name="Inquiry", reason="r", authority="a", records=[first]
        )
    page = records_client_a.get(f"/admin/records/holds/edit/{hold.pk}/")
    assert b"Release this hold" in page.content and b"First" in page.content
    added = records_client_a.post(
        f"/admin/records/holds/edit/{hold.pk}/", {"add_records": [second.pk]}
    )
    assert added.status_code == 302
    with in_council(council_a):
        assert set(hold.records.values_list("pk", flat=True)) == {first.pk, second.pk}


def test_sensitive_records_are_never_listed_to_people_who_may_not_read_them(
    council_a, file_plan_a, declare, staff_client_factory, records_client_a
):
    declare(council_a, file_plan_a["minutes"], title="Parks minutes")
    sensitive = declare(
        council_a,
        file_plan_a["minutes"],
        title="Safeguarding case",
        classification="official_sensitive",
    )
    viewer = staff_client_factory(
        council_a, groups=("Records viewers",), username="viewer@alphaford.example"
    )
    listing = viewer.get("/admin/records/records/")
    assert listing.status_code == 200
    assert b"Parks minutes" in listing.content and b"Safeguarding case" not in listing.content
    assert (
        b"Safeguarding case"
        not in viewer.get("/admin/records/records/", {"q": "Safeguarding"}).content
    )
    # a viewer declares nothing, changes nothing, places no hold and sees no record page
    assert viewer.get(f"/admin/records/records/edit/{sensitive.pk}/").status_code in (302, 403, 404)
    assert viewer.get("/admin/records/records/new/").status_code in (302, 403)
    assert viewer.get("/admin/records/holds/new/").status_code in (302, 403)
    assert viewer.get(f"/admin/records/records/{sensitive.pk}/").status_code in (302, 403)
    # a records manager sees both
    managed = records_client_a.get("/admin/records/records/")
    assert b"Safeguarding case" in managed.content


def test_other_councils_staff_get_404_for_a_records_ids_on_every_screen(
    council_a, file_plan_a, declare, records_client_b, in_council
):
    from records import actions

    record = declare(council_a, file_plan_a["minutes"], title=MARKER)
    with in_council(council_a):
        hold = actions.place_hold("setup", name=MARKER, reason="r", authority="a", records=[record])
    screens = (
        "/admin/records/records/{record}/add-version/",
        "/admin/records/records/edit/{record}/",
        "/admin/records/file-plan/edit/{file_class}/",
        "/admin/records/holds/edit/{hold}/",
        "/admin/records/holds/{hold}/release/",
    )
    ids = {"record": record.pk, "file_class": file_plan_a["minutes"].pk, "hold": hold.pk}
    for screen in screens:
        for method in ("get", "post"):
            for_a = getattr(records_client_b, method)(screen.format(**ids))
            missing = getattr(records_client_b, method)(
                screen.format(record=987654, file_class=987654, hold=987654)
            )
            assert for_a.status_code == missing.status_code == 404, screen
            assert MARKER.encode() not in for_a.content
    assert records_client_b.get(f"/admin/records/records/{record.pk}/").status_code == 404
    closing_a = records_client_b.post(f"/admin/records/records/{record.pk}/close/")
    closing_missing = records_client_b.post("/admin/records/records/987654/close/")
    assert closing_a.status_code == closing_missing.status_code == 404


def test_records_managers_menu_shows_records_and_nothing_they_cannot_use(records_client_a):
    home = records_client_a.get("/admin/")
    menu = home.content.decode()
    for label in ("Register", "File plan", "Legal holds", "Dashboard"):
        assert f'"label": "{label}"' in menu or f'"label":"{label}"' in menu, label
    for label in ("Content commons", "Due for review", "Alert banners"):
        assert label not in menu, label


def test_closing_a_record_starts_its_retention_and_is_refused_twice(
    records_client_a, council_a, file_plan_a, declare, in_council
):
    record = declare(council_a, file_plan_a["contracts"], title="Grounds maintenance contract")
    page = records_client_a.get(f"/admin/records/records/{record.pk}/")
    assert b"Close the record" in page.content
    closed = records_client_a.post(f"/admin/records/records/{record.pk}/close/", follow=True)
    assert "Record closed. Disposal is due on " in errors_of(closed)
    again = records_client_a.post(f"/admin/records/records/{record.pk}/close/", follow=True)
    assert "The record was not closed: The record is closed, not open." in errors_of(again)
    assert records_client_a.get(f"/admin/records/records/{record.pk}/close/").status_code == 405
    with in_council(council_a):
        record.refresh_from_db()
        assert record.status == "closed" and record.disposal_due is not None
    assert actions_logged(in_council, council_a, "records.record", record.pk)[-1] == "record.closed"


def test_declare_several_files_makes_one_record_each_with_the_same_details(
    records_client_a, council_a, file_plan_a, in_council
):
    from platform_core.audit.models import AuditEntry
    from records.models import Record

    response = records_client_a.post(
        "/admin/records/records/new/",
        {
            "file": [pdf("agenda.pdf", "Agenda"), pdf("minutes.pdf", "Minutes")],
            "title": f"{MARKER} Cabinet, 12 March",
            "file_class": file_plan_a["minutes"].pk,
            "classification": "official_sensitive",
            "owner": "Democratic services",
        },
    )
    assert response.status_code == 302, errors_of(response)
    assert response["Location"] == "/admin/records/records/"
    with in_council(council_a):
        records = list(Record.objects.filter(title__startswith=MARKER).order_by("id"))
        assert [r.title for r in records] == [
            f"{MARKER} Cabinet, 12 March — agenda.pdf",
            f"{MARKER} Cabinet, 12 March — minutes.pdf",
        ]
        assert {(r.file_class_id, r.classification, r.owner) for r in records} == {
            (file_plan_a["minutes"].pk, "official_sensitive", "Democratic services")
        }
        assert [[v.original_name for v in r.versions.all()] for r in records] == [
            ["agenda.pdf"],
            ["minutes.pdf"],
        ]
        declared = AuditEntry.objects.filter(action="record.declared")
        assert sorted(declared.values_list("object_id", flat=True)) == sorted(
            str(r.pk) for r in records
        )
    for record in records:
        assert actions_logged(in_council, council_a, "records.record", record.pk) == [
            "record.declared",
            "version.created",
        ]
    register = errors_of(records_client_a.get("/admin/records/records/"))
    assert "2 records declared" in register
    assert "agenda.pdf" in register and "minutes.pdf" in register


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (
            SimpleUploadedFile("fake.pdf", b"just text", content_type="application/pdf"),
            [
                "Nothing was declared: 1 of the 3 files was refused.",
                "'fake.pdf' claims to be application/pdf but its content is",
            ],
        ),
        (
            SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"),
            ["'empty.pdf': The submitted file is empty."],
        ),
    ],
    ids=["refused-by-the-checks", "empty"],
)
def test_declare_several_files_declares_none_when_one_is_refused_and_names_it(
    records_client_a, council_a, file_plan_a, in_council, bad, expected
):
    from platform_core.audit.models import AuditEntry
    from records.models import Record, RecordVersion
    from records.storage import list_stored_names

    with in_council(council_a):
        stored_before = list_stored_names()
    response = records_client_a.post(
        "/admin/records/records/new/",
        {
            "file": [pdf("agenda.pdf", "Agenda"), bad, pdf("minutes.pdf", "Minutes")],
            "title": "Several, one bad",
            "file_class": file_plan_a["minutes"].pk,
            "classification": "official",
        },
    )
    assert response.status_code == 200
    text = html.unescape(errors_of(response))
    for message in expected:
        assert message in text
    with in_council(council_a):
        assert not Record.objects.exists()
        assert RecordVersion.objects.count() == 0
        assert not AuditEntry.objects.filter(action="record.declared").exists()
        assert list_stored_names() == stored_before


def test_declare_several_files_with_the_store_failing_midway_declares_none_and_keeps_nothing(
    records_client_a, council_a, file_plan_a, in_council, monkeypatch
):
    """The checks pass, the first file is stored, the store fails on the second: the first
    file's content is deleted again and no record is declared."""
    from records import storage
    from records.models import Record
    from records.storage import list_stored_names

    real_save, saved = storage.save_content, []

    def fails_second_time(name, *args, **kwargs):
        if saved:
            raise storage.StorageUnavailable("The records store is unreachable.")
        saved.append(name)
        return real_save(name, *args, **kwargs)

    monkeypatch.setattr(storage, "save_content", fails_second_time)
    with in_council(council_a):
        stored_before = list_stored_names()
    response = records_client_a.post(
        "/admin/records/records/new/",
        {
            "file": [pdf("agenda.pdf", "Agenda"), pdf("minutes.pdf", "Minutes")],
            "title": "Store fails",
            "file_class": file_plan_a["minutes"].pk,
            "classification": "official",
        },
    )
    assert response.status_code == 200
    assert "The records store is unreachable." in errors_of(response)
    assert len(saved) == 1  # the first file was stored before the failure...
    with in_council(council_a):
        assert not Record.objects.exists()
        assert list_stored_names() == stored_before  # ...and deleted again
