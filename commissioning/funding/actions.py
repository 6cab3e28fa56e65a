"""Writes of the council's funding app: its own calls (one by one and by file), saved searches,
and the alerts and deadline reminders for them (``send_alerts``, run daily by a Celery task)."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from commissioning.fundingregister import access as register
from commissioning.fundingregister import actions as register_actions
from platform_core.audit import log as audit
from platform_core.hosts import council_url
from tenants.access import current_council

from . import access
from .models import CouncilCall, SavedSearch, SearchNotice

SEARCH_FIELDS = (
    "name",
    "text",
    "themes",
    "areas",
    "applicant_type",
    "min_amount",
    "alerts",
    "remind_days",
)


def _precompute_matches() -> None:
    """After the commit, rank the council's calls again into the shared cache (a task), so
    the next request reads the ranking instead of computing it."""
    from platform_core.tasks import enqueue_on_commit

    from .tasks import precompute_matches

    enqueue_on_commit(precompute_matches)


def save_call(call: CouncilCall | None = None, *, actor=None, **values) -> CouncilCall:
    """Create or change one of the council's own calls."""
    created = call is None
    call = call or CouncilCall()
    for name, value in values.items():
        if name not in (*register_actions.CALL_FIELDS, "owner"):
            raise TypeError(f"unknown call field {name!r}")
        setattr(call, name, value)
    if created and call.owner_id is None and actor is not None and actor.is_authenticated:
        call.owner = actor
    call.full_clean()
    with transaction.atomic():
        call.save()
        audit.append(
            "funding.call.created" if created else "funding.call.changed",
            call,
            actor=actor,
            object_type="funding.call",
            object_id=str(call.pk),
            detail={"programme": call.programme, "funder": call.funder},
        )
        _precompute_matches()
    return call


def delete_call(call: CouncilCall, *, actor=None) -> None:
    with transaction.atomic():
        audit.append(
            "funding.call.deleted",
            call,
            actor=actor,
            object_type="funding.call",
            object_id=str(call.pk),
            detail={"programme": call.programme},
        )
        call.delete()
        _precompute_matches()


def import_calls(content: bytes | str, *, filename: str = "", fmt: str = "", actor=None):
    """Import a CSV or JSON file of the council's own calls. The whole file is validated first
    (``CallFileError`` lists every problem with its line or JSON path); nothing is imported from
    a file with a problem."""
    calls = register.parse_calls(content, filename=filename, fmt=fmt)
    owner = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        result = register_actions.upsert_calls(CouncilCall, calls, owner=owner)
        audit.append(
            "funding.calls.imported",
            actor=actor,
            object_type="funding.import",
            object_id=filename or "upload",
            detail={"created": result.created, "updated": result.updated},
        )
        _precompute_matches()
    return result


def save_search(search: SavedSearch | None = None, *, owner, **values) -> SavedSearch:
    """Save a search. Calls that already match it are remembered (not emailed): alerts are for
    calls that match later."""
    created = search is None
    search = search or SavedSearch(owner=owner)
    for name, value in values.items():
        if name not in SEARCH_FIELDS:
            raise TypeError(f"unknown search field {name!r}")
        setattr(search, name, value)
    search.themes = [t.strip().lower() for t in search.themes if t.strip()]
    search.areas = [a.strip().upper() for a in search.areas if a.strip()]
    search.full_clean()
    with transaction.atomic():
        search.save()
        if created:
            SearchNotice.objects.bulk_create(
                [
                    SearchNotice(search=search, call_id=call.pk, kind=SearchNotice.Kind.BASELINE)
                    for call in access.search_calls(access.Criteria.of(search))
                ],
                ignore_conflicts=True,
            )
    return search


def delete_search(search: SavedSearch) -> None:
    search.delete()


@dataclass
class AlertRun:
    alerts: int = 0  # emails about new matches
    reminders: int = 0  # emails about deadlines
    calls: list[str] = field(default_factory=list)


def _links(call) -> str:
    council = current_council()
    domain = council.primary_domain if council else ""
    lines = [f"  {call.funder}: {call.programme}"]
    if call.amount_max is not None:
        lines.append(f"    up to £{call.amount_max:,.0f}")
    if call.closes_on:
        lines.append(f"    closes {call.closes_on:%-d %B %Y}")
    lines.append(f"    funder's page: {call.url}")
    if domain:
        lines.append(
            f"    on the platform: {council_url(domain, f'/api/v1/funding/calls/{call.pk}/')}"
        )
    return "\n".join(lines)


def _search_link(search: SavedSearch) -> str:
    """Where the officer reads the search's matching calls, with their reasons (the admin)."""
    council = current_council()
    if council is None or not council.primary_domain:
        return ""
    url = council_url(council.primary_domain, f"/admin/funding/searches/{search.pk}/matches/")
    return f"\n\nAll the calls matching “{search.name}”, with the reasons they match: {url}"


def _record(search: SavedSearch, calls: list, kind: str) -> list:
    """Claim the notices first (unique per search, call and kind), so a second run, or two at
    once, never emails the same call twice. Returns the calls this run claimed."""
    claimed = []
    for call in calls:
        try:
            with transaction.atomic():
                SearchNotice.objects.create(search=search, call_id=call.pk, kind=kind)
        except IntegrityError:
            continue
        claimed.append(call)
    return claimed


def send_alerts(*, today: datetime.date | None = None) -> AlertRun:
    """For every saved search of the current council: email its owner the open calls that match
    it and were not matched before, and remind them of matching calls closing within the
    search's ``remind_days``. Idempotent: each call is emailed at most once per search and kind."""
    day = today or access.today()
    council = current_council()
    run = AlertRun()
    name = council.name if council else "the council"
    for search in SavedSearch.objects.select_related("owner"):
        email = search.owner.email
        if not email or not search.owner.is_active:
            continue
        found = access.search_calls(access.Criteria.of(search), open_on=day)
        if search.alerts:
            seen = set(
                SearchNotice.objects.filter(
                    search=search,
                    kind__in=[SearchNotice.Kind.NEW, SearchNotice.Kind.BASELINE],
                ).values_list("call_id", flat=True)
            )
            new = _record(search, [c for c in found if c.pk not in seen], SearchNotice.Kind.NEW)
            if new:
                send_mail(
                    subject=f"{len(new)} new funding call(s) match “{search.name}”",
                    message=(
                        f"New funding calls match your saved search “{search.name}” at {name}:\n\n"
                        + "\n\n".join(_links(c) for c in new)
                        + _search_link(search)
                    ),
                    from_email=None,
                    recipient_list=[email],
                )
                run.alerts += 1
                run.calls += [str(c.pk) for c in new]
        if search.remind_days:
            due = [
                c
                for c in found
                if c.closes_on is not None and 0 <= (c.closes_on - day).days <= search.remind_days
            ]
            due = _record(search, due, SearchNotice.Kind.DEADLINE)
            if due:
                send_mail(
                    subject=f"Funding deadline soon: {len(due)} call(s) for “{search.name}”",
                    message=(
                        f"These calls matching “{search.name}” close within "
                        f"{search.remind_days} days:\n\n"
                        + "\n\n".join(_links(c) for c in due)
                        + _search_link(search)
                    ),
                    from_email=None,
                    recipient_list=[email],
                )
                run.reminders += 1
    return run


# --- grants (360Giving) ---------------------------------------------------------------------

GRANT_FIELDS = (
    "title",
    "description",
    "currency",
    "amount_awarded",
    "award_date",
    "recipient_name",
    "recipient_org_id",
    "recipient_charity_number",
    "recipient_company_number",
    "programme",
    "beneficiary_geo",
    "source",
    "from_open_call",
    "reference",
)


def award_grant(*, actor=None, **values):
    """Record a grant the council makes; it joins the 360Giving feed at once."""
    from platform_core.events import emit

    from . import giving
    from .models import Grant

    unknown = set(values) - set(GRANT_FIELDS)
    if unknown:
        raise TypeError(f"unknown grant field(s) {sorted(unknown)}")
    grant = Grant(**values)
    if (grant.currency or "") not in giving.currencies():
        raise ValidationError(
            {
                "currency": [
                    f"{grant.currency!r} is not an ISO 4217 currency code 360Giving accepts; "
                    "give one in capitals, such as GBP."
                ]
            }
        )
    grant.beneficiary_geo = [g.strip().upper() for g in grant.beneficiary_geo if g.strip()]
    grant.full_clean()
    council = current_council()
    with transaction.atomic():
        grant.save()
        identifier = f"{giving.grant_prefix(council)}-{grant.pk}" if council else str(grant.pk)
        audit.append(
            "funding.grant.awarded",
            grant,
            actor=actor,
            object_type="funding.grant",
            object_id=str(grant.pk),
            detail={"amount": str(grant.amount_awarded), "recipient": grant.recipient_name},
        )
        emit(
            "funding.grant.awarded",
            subject=f"funding/grant/{grant.pk}",
            data={
                "grant": grant.pk,
                "identifier": identifier,
                "amount": str(grant.amount_awarded),
                "currency": grant.currency,
                "award_date": grant.award_date.isoformat(),
                "recipient": grant.recipient_name,
                "source": grant.source,
                "reference": grant.reference,
            },
        )
    return grant


def import_grants(content: bytes | str, *, filename: str, actor=None):
    """Import a 360Giving JSON package (validated whole first; see giving.import_package)."""
    from . import giving

    return giving.import_package(content, filename=filename, actor=actor)
