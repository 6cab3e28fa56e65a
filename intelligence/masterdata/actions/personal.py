"""Personal data duties: subject access (one calendar month to answer) and erasure."""

import calendar
from datetime import date

from django.db import transaction
from django.utils import timezone

from platform_core import subject_access as registry
from platform_core.audit import log as audit
from platform_core.audit.log import export_entries

from ..models import (
    GoldenPerson,
    Lineage,
    MatchDecision,
    PersonRecord,
    ReviewPair,
    SubjectAccessRequest,
)


def one_month_after(day: date) -> date:
    """The same day next month, or that month's last day when it has no such day (ICO)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def request_subject_access(
    person: GoldenPerson, *, actor=None, reference: str = ""
) -> SubjectAccessRequest:
    now = timezone.now()
    request = SubjectAccessRequest.objects.create(
        golden_id=person.pk,
        requested_at=now,
        due_date=one_month_after(timezone.localdate(now)),
        requested_by=audit._actor_name(actor),
        reference=reference,
    )
    audit.append(
        "masterdata.subject_access.requested", request, actor=actor, detail={"golden_id": person.pk}
    )
    return request


def subject_access_export(request: SubjectAccessRequest, *, actor=None) -> dict:
    """Everything master data holds about the person: the golden record, every linked source
    record, decisions and review pairs about them, lineage, and the audit entries about them."""
    person = GoldenPerson.objects.filter(pk=request.golden_id).first()
    records = list(
        PersonRecord.objects.filter(golden_id=request.golden_id).select_related("source")
    )
    ids = [r.pk for r in records]
    data = {
        "request": {
            "id": request.pk,
            "reference": request.reference,
            "requested_at": request.requested_at.isoformat(),
            "due_date": request.due_date.isoformat(),
        },
        "golden_person": None
        if person is None
        else {
            "id": person.pk,
            "first_name": person.first_name,
            "surname": person.surname,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
            "postcode": person.postcode,
            "address": person.address,
            "email": person.email,
            "phone": person.phone,
        },
        "source_records": [
            {
                "source": r.source.name,
                "source_owner": r.source.owner,
                "source_id": r.source_ref,
                "first_name": r.first_name,
                "surname": r.surname,
                "date_of_birth": r.date_of_birth.isoformat() if r.date_of_birth else None,
                "postcode": r.postcode,
                "address": r.address,
                "email": r.email,
                "phone": r.phone,
                "updated_at": r.updated_at.isoformat(),
            }
            for r in records
        ],
        "decisions": list(
            MatchDecision.objects.filter(record_a__in=ids).values(
                "record_a", "record_b", "decision", "decided_at"
            )
        )
        + list(
            MatchDecision.objects.filter(record_b__in=ids)
            .exclude(record_a__in=ids)
            .values("record_a", "record_b", "decision", "decided_at")
        ),
        "review_pairs": list(
            ReviewPair.objects.filter(person_a__in=ids).values("id", "status", "match_probability")
        )
        + list(
            ReviewPair.objects.filter(person_b__in=ids)
            .exclude(person_a__in=ids)
            .values("id", "status", "match_probability")
        ),
        "lineage": list(
            Lineage.objects.filter(kind="people", to_id=request.golden_id).values(
                "event", "from_id", "to_id", "created_at"
            )
        ),
        "audit": export_entries("masterdata.goldenperson", request.golden_id),
        # What the platform's other apps hold about them (platform_core/subject_access.py):
        # each app's own ``access.subject_access``, found by every value master data knows.
        "other_apps": registry.gather(subject_of(request.golden_id, person, records)),
    }
    audit.append(
        "masterdata.subject_access.exported",
        request,
        actor=actor,
        detail={
            "golden_id": request.golden_id,
            "source_records": len(records),
            "other_apps": {s["app"]: s["count"] for s in data["other_apps"]},
        },
    )
    return data


def subject_of(golden_id: int, person: GoldenPerson | None, records) -> registry.Subject:
    """Every name, date of birth, postcode, email and phone master data holds for the person
    (the golden record's and each linked source record's)."""
    rows = list(records) + ([person] if person is not None else [])

    def values(field):
        return tuple(sorted({getattr(r, field) for r in rows if getattr(r, field)}))

    return registry.Subject(
        golden_id=golden_id,
        names=tuple(sorted({(r.first_name or "", r.surname) for r in rows if r.surname})),
        dates_of_birth=values("date_of_birth"),
        postcodes=values("postcode"),
        emails=tuple(sorted({r.email.lower() for r in rows if r.email})),
        phones=values("phone"),
    )


def subject_access_archive(request: SubjectAccessRequest, *, actor=None) -> bytes:
    """The export as a ZIP: ``subject-access-<id>.json`` (everything), one JSON file per app
    that holds something, and a README naming the request and its due date."""
    import io
    import json
    import zipfile

    data = subject_access_export(request, actor=actor)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            f"subject-access-{request.pk}.json", json.dumps(data, indent=2, default=str)
        )
        for section in data["other_apps"]:
            if section["count"]:
                archive.writestr(
                    f"apps/{section['app']}.json", json.dumps(section, indent=2, default=str)
                )
        lines = [
            f"Subject access request {request.pk}"
            + (f" ({request.reference})" if request.reference else ""),
            f"Requested {request.requested_at:%d %B %Y} by {request.requested_by or 'staff'}; "
            f"due {request.due_date:%d %B %Y}.",
            f"Golden person {request.golden_id}: {len(data['source_records'])} source records.",
            *(f"{s['label']}: {s['count']}" for s in data["other_apps"]),
            "Records are listed by reference: review each before disclosing it.",
        ]
        archive.writestr("README.txt", "\n".join(lines) + "\n")
    return buffer.getvalue()


@transaction.atomic
def complete_subject_access(request: SubjectAccessRequest, *, actor=None) -> SubjectAccessRequest:
    request.status = SubjectAccessRequest.Status.COMPLETED
    request.completed_at = timezone.now()
    request.save()
    audit.append("masterdata.subject_access.completed", request, actor=actor)
    return request


@transaction.atomic
def erase_person(person: GoldenPerson, *, actor=None, reason: str = "") -> dict:
    """Delete the golden person and every linked source record (their decisions and review
    pairs go with them). The audit entry keeps ids and counts, never personal data."""
    records = PersonRecord.objects.filter(golden=person)
    counts = {"source_records": records.count()}
    sources = sorted(set(records.values_list("source__name", flat=True)))
    records.delete()
    GoldenPerson.objects.filter(merged_into=person).update(merged_into=None)
    golden_id = person.pk
    person.delete()
    audit.append(
        "masterdata.person.erased",
        object_type="masterdata.goldenperson",
        object_id=golden_id,
        actor=actor,
        detail={**counts, "sources": sources, "reason": reason},
    )
    return {"golden_id": golden_id, **counts}
