"""Wagtail admin screens for master data: a dashboard (sources, runs, subject access requests
with their due dates), the clerical review queue with each pair side by side and its match
weight waterfall, and a golden person's page (linked records, merge, unmerge, subject access,
erasure). Changes go through masterdata.actions; people screens need the Master data role and
every view of a person is audited."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from platform_core.errors import DomainError

from . import access, actions
from .charts import waterfall_steps, waterfall_svg
from .models import (
    GoldenPerson,
    GoldenPlace,
    PersonRecord,
    ResolutionRun,
    ReviewPair,
    Source,
    SubjectAccessRequest,
)

PERSON_FIELDS = [
    ("first_name", "First name"),
    ("surname", "Surname"),
    ("date_of_birth", "Date of birth"),
    ("postcode", "Postcode"),
    ("address", "Address"),
    ("email", "Email"),
    ("phone", "Phone"),
]


def _require_places(request):
    if not access.can_read_places(request.user):
        raise PermissionDenied


def _require_people(request):
    if not access.can_read_people(request.user):
        raise PermissionDenied


def dashboard(request):
    _require_places(request)
    people = access.can_read_people(request.user)
    today = timezone.localdate()
    sars = SubjectAccessRequest.objects.filter(status="open").order_by("due_date") if people else []
    context = {
        "page_title": "Master data",
        "header_icon": "group",
        "people_allowed": people,
        "sources": Source.objects.all(),
        "counts": {
            "people_records": PersonRecord.objects.count(),
            "golden_people": GoldenPerson.objects.filter(status="active").count(),
            "golden_places": GoldenPlace.objects.filter(status="active").count(),
            "review_people": ReviewPair.objects.filter(kind="people", status="open").count(),
            "review_places": ReviewPair.objects.filter(kind="places", status="open").count(),
        },
        "runs": ResolutionRun.objects.all()[:10],
        "sars": [
            {
                "request": s,
                "overdue": s.due_date < today,
                "days_left": (s.due_date - today).days,
                "days_overdue": (today - s.due_date).days,
            }
            for s in sars
        ],
    }
    return TemplateResponse(request, "masterdata/admin/dashboard.html", context)


def review_list(request):
    _require_places(request)
    pairs = ReviewPair.objects.filter(status="open").select_related(
        "person_a__source", "person_b__source", "place_record__source", "place_candidate"
    )
    if not access.can_read_people(request.user):
        pairs = pairs.exclude(kind="people")
    kind = request.GET.get("kind", "")
    if kind in ("people", "places"):
        pairs = pairs.filter(kind=kind)
    pairs = list(pairs[:100])
    goldens = [p.person_a.golden_id for p in pairs if p.kind == "people" and p.person_a.golden_id]
    goldens += [p.person_b.golden_id for p in pairs if p.kind == "people" and p.person_b.golden_id]
    access.audit_people_read(request.user, sorted(set(goldens)), how="admin-review-list")
    return TemplateResponse(
        request,
        "masterdata/admin/review_list.html",
        {"page_title": "Review queue", "header_icon": "tasks", "pairs": pairs, "kind": kind},
    )


def review_detail(request, pk: int):
    _require_places(request)
    try:
        pair = access.access_review_pair(request.user, pk)
    except Http404:
        raise
    context = {"page_title": f"Review pair {pair.pk}", "header_icon": "tasks", "pair": pair}
    if pair.kind == "people":
        a, b = pair.person_a, pair.person_b
        context["rows"] = [
            (label, getattr(a, f) or "—", getattr(b, f) or "—") for f, label in PERSON_FIELDS
        ]
        context["sources"] = (a, b)
        if pair.explanation.get("comparisons"):
            context["steps"] = waterfall_steps(pair.explanation)
            context["svg"] = mark_safe(  # noqa: S308 - built by charts.py with every text escaped
                waterfall_svg(
                    pair.explanation, title=f"Match weight waterfall for review pair {pair.pk}"
                )
            )
    else:
        context["rows"] = [
            ("Address", pair.place_record.address, pair.place_candidate.address),
            ("Postcode", pair.place_record.postcode or "—", pair.place_candidate.postcode or "—"),
            ("UPRN", pair.place_record.uprn or "—", pair.place_candidate.uprn or "—"),
        ]
    return TemplateResponse(request, "masterdata/admin/review_detail.html", context)


@require_POST
def review_decide(request, pk: int, decision: str):
    _require_places(request)
    pair = access.access_review_pair(request.user, pk)
    try:
        if decision == "confirm":
            actions.confirm_pair(pair, actor=request.user)
            messages.success(request, "Confirmed: the records are one.")
        else:
            actions.reject_pair(pair, actor=request.user)
            messages.success(request, "Rejected: the records stay apart.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("masterdata_review")


def person_detail(request, pk: int):
    _require_people(request)
    person = access.access_golden_person(request.user, pk, how="admin")
    records = person.records.select_related("source").order_by("source__name", "source_ref")
    sars = SubjectAccessRequest.objects.filter(golden_id=person.pk)
    return TemplateResponse(
        request,
        "masterdata/admin/person_detail.html",
        {
            "page_title": f"Person {person.pk}",
            "header_icon": "user",
            "person": person,
            "records": records,
            "sars": sars,
            "fields": PERSON_FIELDS,
        },
    )


@require_POST
def person_action(request, pk: int, what: str):
    _require_people(request)
    person = access.access_golden_person(request.user, pk, how=f"admin-{what}")
    try:
        if what == "unmerge":
            record = PersonRecord.objects.filter(
                pk=request.POST.get("record"), golden=person
            ).first()
            if record is None:
                raise Http404
            new = actions.unmerge_person_record(record, actor=request.user)
            messages.success(request, f"The record is now person {new.pk}.")
        elif what == "merge":
            other = GoldenPerson.objects.filter(pk=request.POST.get("other") or 0).first()
            if other is None:
                messages.error(request, "No golden person with that id.")
            else:
                actions.merge_people(person, other, actor=request.user)
                messages.success(request, f"Person {other.pk} merged into this one.")
        elif what == "subject-access":
            sar = actions.request_subject_access(
                person, actor=request.user, reference=request.POST.get("reference", "")[:100]
            )
            messages.success(
                request, f"Subject access request recorded; due {sar.due_date:%d %B %Y}."
            )
        elif what == "erase":
            if request.POST.get("confirm") != "erase":
                messages.error(request, "Type erase to confirm.")
            else:
                actions.erase_person(
                    person, actor=request.user, reason=request.POST.get("reason", "")[:500]
                )
                messages.success(request, "The person's records were erased.")
                return redirect("masterdata_dashboard")
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("masterdata_person", pk=person.pk)


def _sar_row(sar, today) -> dict:
    return {
        "request": sar,
        "overdue": sar.status == "open" and sar.due_date < today,
        "days_left": (sar.due_date - today).days,
        "days_overdue": (today - sar.due_date).days,
    }


def subject_access_list(request):
    """Every subject access request: open ones by due date first (overdue highlighted), then
    completed ones, newest first."""
    _require_people(request)
    today = timezone.localdate()
    open_ = SubjectAccessRequest.objects.filter(status="open").order_by("due_date", "id")
    done = SubjectAccessRequest.objects.exclude(status="open").order_by("-completed_at", "-id")
    rows = [_sar_row(s, today) for s in list(open_) + list(done[:200])]
    access.audit_people_read(
        request.user, sorted({r["request"].golden_id for r in rows}), how="admin-subject-access"
    )
    return TemplateResponse(
        request,
        "masterdata/admin/subject_access_list.html",
        {"page_title": "Subject access requests", "header_icon": "doc-full", "rows": rows},
    )


def subject_access_detail(request, pk: int):
    _require_people(request)
    sar = access.access_subject_access_request(request.user, pk)
    access.audit_people_read(request.user, [sar.golden_id], how="admin-subject-access")
    return TemplateResponse(
        request,
        "masterdata/admin/subject_access_detail.html",
        {
            "page_title": f"Subject access request {sar.pk}",
            "header_icon": "doc-full",
            "row": _sar_row(sar, timezone.localdate()),
            "person_exists": GoldenPerson.objects.filter(pk=sar.golden_id).exists(),
        },
    )


def subject_access_download(request, pk: int):
    """The export as a ZIP (audited as an export and as a read of the person)."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    _require_people(request)
    sar = access.access_subject_access_request(request.user, pk)
    access.audit_people_read(request.user, [sar.golden_id], how="admin-subject-access-export")
    body = actions.subject_access_archive(sar, actor=request.user)
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        True, f"subject-access-{sar.pk}.zip"
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def subject_access_complete(request, pk: int):
    _require_people(request)
    sar = access.access_subject_access_request(request.user, pk)
    if sar.status == SubjectAccessRequest.Status.COMPLETED:
        messages.error(request, "This request was already completed.")
    else:
        actions.complete_subject_access(sar, actor=request.user)
        messages.success(request, f"Request {sar.pk} marked completed.")
    return redirect("masterdata_subject_access_detail", pk=sar.pk)
