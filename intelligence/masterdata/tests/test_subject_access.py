"""Subject access across the platform's apps: one golden person's export gathers master data's
records and what every app holds about them (accounts and their audit entries, records naming
them, participatory budgeting proposals and ballots, the providers directory) through
platform_core/subject_access.py; the admin lists requests with their due dates (overdue
highlighted) and downloads the export as a ZIP, for the Master data role only, audited."""

import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone

from .conftest import people_csv

EMAIL = "ada.lovelace@example.org"


def _seed_everything(actions):
    """Ada in two master data sources, and in four other apps of the same council."""
    from django.contrib.auth import get_user_model

    from commissioning.participation.actions import voter_key
    from commissioning.participation.models import Ballot, BallotChoice, Process, Proposal
    from commissioning.providers.models import Contact, Organization, ProviderAccount, Service
    from intelligence.masterdata.models import PersonRecord
    from platform_core.audit import log as audit
    from records.actions.common import refresh_search
    from records.models import FilePlanClass, Record

    actions.import_source(
        people_csv([f"CT1,Ada,Lovelace,1815-12-10,NS1 1AA,1 High Street,{EMAIL},"]),
        source="council-tax",
        kind="people",
    )
    actions.import_source(
        people_csv(["LB9,Ada,Lovelace,10/12/1815,NS1 1AA,1 High St,,07700 900123"]),
        source="library",
        kind="people",
    )
    actions.import_source(
        people_csv(["LB10,Charles,Babbage,1791-12-26,NS2 2BB,2 Low Road,cb@example.org,"]),
        source="housing",
        kind="people",
    )
    actions.resolve_people(train=False)
    [golden_id] = set(
        PersonRecord.objects.filter(surname="Lovelace").values_list("golden_id", flat=True)
    )
    now = timezone.now()
    process = Process.objects.create(
        title="North ward budget",
        slug="north-ward",
        summary="s",
        ward_code="E05000001",
        ward_name="North",
        budget=Decimal("10000"),
        proposals_open=now - datetime.timedelta(days=30),
        proposals_close=now - datetime.timedelta(days=20),
        voting_open=now - datetime.timedelta(days=10),
        voting_close=now + datetime.timedelta(days=10),
    )
    proposal = Proposal.objects.create(
        process=process,
        title="Benches for the park",
        summary="Three benches",
        estimated_cost=Decimal("900"),
        proposer_name="Ada Lovelace",
        proposer_email=EMAIL.upper(),
        proposer_postcode="NS1 1AA",
    )
    Proposal.objects.create(
        process=process,
        title="Someone else's idea",
        summary="x",
        estimated_cost=Decimal("1"),
        proposer_name="Charles Babbage",
        proposer_email="cb@example.org",
        proposer_postcode="NS2 2BB",
    )
    ballot = Ballot.objects.create(
        process=process,
        voter_key=voter_key(
            process,
            name="Ada Lovelace",
            date_of_birth=datetime.date(1815, 12, 10),
            postcode="NS1 1AA",
        ),
        channel="online",
        eligibility="postcode",
    )
    BallotChoice.objects.create(ballot=ballot, proposal=proposal)
    Ballot.objects.create(
        process=process, voter_key="someone-else", channel="online", eligibility="x"
    )
    user = get_user_model().objects.create_user("ada-provider", email=EMAIL, password="x" * 20)
    organisation = Organization.objects.create(name="Analytical Engines Ltd", description="d")
    ProviderAccount.objects.create(user=user, organization=organisation)
    service = Service.objects.create(organization=organisation, name="Numbers club")
    Contact.objects.create(service=service, name="Ada", email=EMAIL)
    audit.append("providers.service.changed", service, actor=user, detail={})
    record = Record.objects.create(
        title="Complaint from Ada Lovelace about the library",
        description="",
        file_class=FilePlanClass.objects.order_by("id").first(),
    )
    refresh_search(record.pk)
    Record.objects.create(
        title="Minutes of the parks committee",
        file_class=FilePlanClass.objects.order_by("id").first(),
    )
    return golden_id


def test_the_export_gathers_what_every_app_holds_about_the_person(md_a):
    with md_a() as actions:
        from intelligence.masterdata.models import GoldenPerson
        from platform_core.audit.models import AuditEntry

        golden_id = _seed_everything(actions)
        sar = actions.request_subject_access(
            GoldenPerson.objects.get(pk=golden_id), actor="md", reference="SAR-7"
        )
        data = actions.subject_access_export(sar, actor="md")
        assert {r["source"] for r in data["source_records"]} == {"council-tax", "library"}
        apps = {s["app"]: s for s in data["other_apps"]}
        assert set(apps) >= {"accounts", "records", "participation", "providers"}
        [account] = apps["accounts"]["items"]
        assert account["username"] == "ada-provider"
        assert [e["action"] for e in account["audit_entries_made"]] == ["providers.service.changed"]
        [record] = apps["records"]["items"]
        assert record["title"] == "Complaint from Ada Lovelace about the library"
        kinds = sorted(i["kind"] for i in apps["participation"]["items"])
        assert kinds == ["ballot", "proposal"]
        ballot = next(i for i in apps["participation"]["items"] if i["kind"] == "ballot")
        assert ballot["choices"] == ["Benches for the park"]
        assert sorted(i["kind"] for i in apps["providers"]["items"]) == [
            "directory contact",
            "provider account",
        ]
        text = json.dumps(data)
        assert "Babbage" not in text and "Minutes of the parks" not in text
        entry = AuditEntry.objects.filter(action="masterdata.subject_access.exported").get()
        assert entry.detail["other_apps"]["participation"] == 2


def test_admin_lists_requests_with_due_dates_and_downloads_the_export_for_the_role_only(
    md_a, council_a, md_client_factory, client_a
):
    with md_a() as actions:
        from intelligence.masterdata.models import GoldenPerson, SubjectAccessRequest

        golden_id = _seed_everything(actions)
        person = GoldenPerson.objects.get(pk=golden_id)
        late = actions.request_subject_access(person, actor="clerk", reference="LATE-1")
        SubjectAccessRequest.objects.filter(pk=late.pk).update(
            due_date=timezone.localdate() - datetime.timedelta(days=3)
        )
        fresh = actions.request_subject_access(person, actor="clerk", reference="NEW-2")
    md = md_client_factory(council_a, username="md@alphaford.example")
    listing = md.get("/admin/masterdata/subject-access/")
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "Overdue by 3 days" in html and "LATE-1" in html and "NEW-2" in html
    assert html.index("LATE-1") < html.index("NEW-2")  # by due date
    assert "clerk" in html and f"{fresh.due_date:%-d %B %Y}" in html
    detail = md.get(f"/admin/masterdata/subject-access/{late.pk}/")
    assert detail.status_code == 200 and "overdue by 3 days" in detail.content.decode()
    download = md.get(f"/admin/masterdata/subject-access/{late.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert "attachment" in download["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    names = set(archive.namelist())
    assert {f"subject-access-{late.pk}.json", "README.txt", "apps/participation.json"} <= names
    assert "due" in archive.read("README.txt").decode()
    exported = json.loads(archive.read(f"subject-access-{late.pk}.json"))
    assert exported["golden_person"]["surname"] == "Lovelace"
    # Someone without the Master data role (a council administrator) is refused everything.
    # (Wagtail turns PermissionDenied into a redirect to the admin's home with a message.)
    for response in (
        client_a.get("/admin/masterdata/subject-access/"),
        client_a.get(f"/admin/masterdata/subject-access/{late.pk}/"),
        client_a.get(f"/admin/masterdata/subject-access/{late.pk}/download/"),
        client_a.post(f"/admin/masterdata/subject-access/{late.pk}/complete/"),
    ):
        assert response.status_code == 302 and response["Location"] == "/admin/"
    done = md.post(f"/admin/masterdata/subject-access/{late.pk}/complete/")
    assert done.status_code == 302
    with md_a():
        from platform_core.audit.models import AuditEntry

        late.refresh_from_db()
        assert late.status == "completed" and late.completed_at is not None
        actions_logged = set(AuditEntry.objects.values_list("action", flat=True))
        assert {
            "masterdata.subject_access.exported",
            "masterdata.subject_access.completed",
            "masterdata.person.read",
        } <= actions_logged
    assert "Overdue" not in md.get("/admin/masterdata/subject-access/").content.decode()
    assert md.get("/admin/masterdata/subject-access/999999/").status_code == 404


NOT_ANN_LEE = [
    ("Complaint from Joanne Lee", ""),  # a longer first name ending in the subject's
    ("Letter from Mary-Ann Lee", ""),  # a hyphenated first name
    ("Letter from Ann Lee-Jones", ""),  # a hyphenated surname
    ("Letter from Ann Lees", ""),  # another surname the stemmer folds into Lee
    ("Letter to Ann", "Lee Road resurfacing"),  # a title running into the description
    ("Letter from Ann Leeson", ""),
    ("Email from jo.ann.lee@example.org", ""),  # an address ending in the subject's
    ("Email from ann.lee@example.org.uk", ""),  # an address beginning with the subject's
    ("Note about Mr Lee", ""),  # the surname alone
]
ANN_LEE = [
    ("Complaint from Ann Lee", ""),
    ("Ann Lee's complaint", ""),
    ("Letter", "Received from ANN  LEE on Monday"),
    ("Email from ann.lee@example.org about bins", ""),
]


def _records_found(council_a, in_council, title, description, names):
    from platform_core.subject_access import Subject
    from records import access
    from records.actions.common import refresh_search
    from records.models import FilePlanClass, Record

    with in_council(council_a):
        record = Record.objects.create(
            title=title,
            description=description,
            file_class=FilePlanClass.objects.order_by("id").first(),
        )
        refresh_search(record.pk)
        subject = Subject(golden_id=1, names=names, emails=("ann.lee@example.org",))
        return [item["uid"] for item in access.subject_access(subject)], str(record.uid)


@pytest.mark.parametrize("title, description", NOT_ANN_LEE)
def test_records_naming_someone_else_are_not_listed(council_a, in_council, title, description):
    """Records are found by the whole name or the whole address, never by a part of another
    person's: "Ann Lee" (ann.lee@example.org) is not Joanne Lee, Ann Lee-Jones, Ann Lees or
    jo.ann.lee@example.org; a person known only by surname is not searched by it."""
    found, uid = _records_found(
        council_a, in_council, title, description, (("Ann", "Lee"), ("", "Lee"))
    )
    assert uid not in found


@pytest.mark.parametrize("title, description", ANN_LEE)
def test_records_naming_the_person_are_listed(council_a, in_council, title, description):
    found, uid = _records_found(council_a, in_council, title, description, (("Ann", "Lee"),))
    assert found == [uid]
