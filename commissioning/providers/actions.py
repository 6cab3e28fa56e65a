"""Changes to the directory that other parts of the platform (and provider accounts) make.

Every change runs in one transaction and writes the council's audit log."""

import datetime
import decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from platform_core.audit.log import append as audit
from platform_core.errors import Refused
from platform_core.events import emit
from platform_core.hosts import council_url
from tenants.access import current_council

from .models import (
    CostOption,
    Organization,
    Phone,
    ProviderAccount,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceChange,
)

# What a provider account may change on its own services (the rest is staff's).
PROVIDER_FIELDS = (
    "name",
    "description",
    "url",
    "email",
    "status",
    "fees",
    "minimum_age",
    "maximum_age",
)
# The lists of rows a provider account keeps with those fields, as a ServiceChange carries them:
# ``{"phones": [{"id", "number", "description"}, ...]}``; a row without an id is a new one.
PROVIDER_LISTS = {
    "phones": ("phone", ("number", "description")),
    "cost_options": (
        "cost option",
        ("option", "amount", "amount_description", "valid_from", "valid_to"),
    ),
    "schedules": (
        "opening hours",
        ("service_at_location", "byday", "opens_at", "closes_at", "description"),
    ),
}
MAX_ROWS = 50  # of each kind on one service
# Opening hours' days as iCalendar's BYDAY codes (ORUK's ``byday``), in the week's order.
DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
DAYS = tuple(DAY_NAMES)
# Each list's heading, on the provider's page and on the staff's approval screen.
LIST_TITLES = {"phones": "Phone numbers", "cost_options": "Costs", "schedules": "Opening hours"}
REVIEW_DAYS = 365  # a service not reviewed for this long is due for review
REMIND_EVERY_DAYS = 30  # at most one reminder per organisation in this time


def set_password_token(user) -> str:
    return f"{user.pk}.{default_token_generator.make_token(user)}"


def set_password_path(user) -> str:
    return f"/provider/set-password/{set_password_token(user)}/"


def user_for_set_password_token(token: str):
    """The provider account's user the token was made for, or None (wrong, used, expired)."""
    user_pk, _, secret = token.partition(".")
    if not user_pk.isdigit():
        return None
    account = ProviderAccount.objects.select_related("user").filter(user_id=int(user_pk)).first()
    if account is None or not default_token_generator.check_token(account.user, secret):
        return None
    return account.user


@transaction.atomic
def set_provider_password(form) -> None:
    user = form.save()
    audit("providers.password_set", user, actor=user, detail={})


def _council_url(path: str) -> str:
    """An absolute link on the current council's own domain (with the dev server's port), in a
    request or a ``schema_context`` alike (``seed_demo``, tasks)."""
    council = current_council()
    return council_url(council.primary_domain if council else "localhost", path)


@transaction.atomic
def create_provider_account(
    actor, *, email: str, organization: Organization, name: str = ""
) -> ProviderAccount:
    """A person at a provider gets an account for their organisation and an email with a link
    to set their password. An address that already has an account is refused."""
    email = email.strip().lower()
    user_model = get_user_model()
    if user_model.objects.filter(username=email).exists():
        raise Refused(f"{email} already has an account on this council's site.")
    first, _, last = name.strip().partition(" ")
    user = user_model.objects.create_user(
        username=email, email=email, first_name=first, last_name=last
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    account = ProviderAccount.objects.create(user=user, organization=organization)
    audit(
        "providers.account_created",
        account,
        actor=actor,
        detail={"email": email, "organization": str(organization.id)},
    )
    link = _council_url(set_password_path(user))
    send_mail(
        "Your provider account",
        f"You can now keep {organization.name}'s entries in the council's directory up to "
        f"date.\n\nSet your password: {link}\n",
        None,
        [email],
        fail_silently=True,
    )
    return account


def _value(service, field):
    value = getattr(service, field)
    return value


def _rows_of(service: Service, kind: str):
    """The service's own rows of a kind (a schedule is the service's whether it hangs on the
    service or on one of its service-at-locations)."""
    if kind == "phones":
        return Phone.objects.filter(service=service).order_by("number", "id")
    if kind == "cost_options":
        return CostOption.objects.filter(service=service).order_by("option", "id")
    return Schedule.objects.filter(
        Q(service=service) | Q(service_at_location__service=service)
    ).order_by("service_at_location__location__name", "opens_at", "id")


def _json(value):
    """A row's value as the JSON a ServiceChange keeps."""
    if isinstance(value, decimal.Decimal):
        return str(value.quantize(decimal.Decimal("0.01")))
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def service_rows(service: Service, kind: str) -> list[dict]:
    """The service's current rows of a kind, as a ServiceChange carries them."""
    _label, fields = PROVIDER_LISTS[kind]
    rows = []
    for obj in _rows_of(service, kind):
        row = {"id": str(obj.id)}
        for field in fields:
            if field == "service_at_location":
                value = obj.service_at_location_id
                row[field] = str(value) if value else None
            else:
                row[field] = _json(getattr(obj, field))
        rows.append(row)
    return rows


_NULLABLE = {"amount", "valid_from", "valid_to", "opens_at", "closes_at", "service_at_location"}


def _parse(label: str, n: int, what: str, value, parse):
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        return value
    try:
        return parse(value.strip())
    except (ValueError, decimal.InvalidOperation):
        raise ValidationError(f"Enter a real {what} for {label} {n}") from None


def _text(label: str, n: int, what: str, value, limit: int) -> str:
    value = ("" if value is None else str(value)).strip()
    if len(value) > limit:
        raise ValidationError(f"The {what} of {label} {n} must be {limit} characters or fewer")
    return value


def _normalise_rows(service: Service, kind: str, rows) -> list[dict]:
    """The rows a provider sent, checked and in the JSON a ServiceChange keeps. An id must be one
    of this service's rows of that kind (another service's row cannot be reached by its id); a
    location must be one of the service's own. Errors name the row: "Enter a phone number for
    phone 2"."""
    label, fields = PROVIDER_LISTS[kind]
    if not isinstance(rows, list | tuple):
        raise ValidationError(f"The list of {label} is not a list.")
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"Add no more than {MAX_ROWS} rows of {label}.")
    own_ids = {str(pk) for pk in _rows_of(service, kind).values_list("id", flat=True)}
    own_sals = {
        str(pk)
        for pk in ServiceAtLocation.objects.filter(service=service).values_list("id", flat=True)
    }
    out = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise ValidationError(f"{label.capitalize()} {n} is not a row.")
        row_id = str(row.get("id") or "") or None
        if row_id is not None and row_id not in own_ids:
            raise Refused(
                f"{label.capitalize()} {n} is not one of this service's "
                f"{kind.replace('_', ' ')} (it may have been removed meanwhile): reload the "
                "page and try again."
            )
        clean = {"id": row_id}
        for field in fields:
            value = row.get(field)
            clean[field] = "" if value is None and field not in _NULLABLE else value
        out.append(_check_row(kind, label, n, clean, own_sals))
    return out


def _check_row(kind: str, label: str, n: int, row: dict, own_sals: set[str]) -> dict:
    if kind == "phones":
        row["number"] = _text(label, n, "number", row["number"], 30)
        row["description"] = _text(label, n, "description", row["description"], 200)
        if not row["number"]:
            raise ValidationError(f"Enter a phone number for phone {n}")
        return row
    if kind == "cost_options":
        row["option"] = _text(label, n, "option", row["option"], 200)
        row["amount_description"] = _text(
            label, n, "amount description", row["amount_description"], 200
        )
        amount = _parse(label, n, "amount", row["amount"], decimal.Decimal)
        if amount is not None and (not amount.is_finite() or amount < 0 or amount >= 10**8):
            raise ValidationError(f"The amount for cost option {n} must be between 0 and 99999999")
        start = _parse(label, n, "start date", row["valid_from"], datetime.date.fromisoformat)
        end = _parse(label, n, "end date", row["valid_to"], datetime.date.fromisoformat)
        if start and end and end < start:
            raise ValidationError(
                f"The end date of cost option {n} must be the same as or after its start date"
            )
        if not row["option"] and amount is None and not row["amount_description"]:
            raise ValidationError(f"Enter an option or an amount for cost option {n}")
        row.update(amount=_json(amount), valid_from=_json(start), valid_to=_json(end))
        return row
    sal = str(row["service_at_location"] or "") or None
    if sal is not None and sal not in own_sals:
        raise Refused(
            f"The location of opening hours {n} is not one of this service's locations: "
            "reload the page and try again."
        )
    days = row["byday"]
    if isinstance(days, list | tuple):
        days = ",".join(str(d) for d in days)
    days = [d for d in str(days or "").replace(" ", "").upper().split(",") if d]
    if not set(days) <= set(DAYS):
        raise ValidationError(f"Select days from the list for opening hours {n}")  # noqa: S608
    opens = _parse(label, n, "opening time", row["opens_at"], datetime.time.fromisoformat)
    closes = _parse(label, n, "closing time", row["closes_at"], datetime.time.fromisoformat)
    description = _text(label, n, "description", row["description"], 2000)
    if (opens is None) != (closes is None):
        missing = "opening" if opens is None else "closing"
        raise ValidationError(f"Enter the {missing} time for opening hours {n}")
    if opens is not None and closes is not None and opens >= closes:
        raise ValidationError(
            f"The closing time of opening hours {n} must be after its opening time"
        )
    if not days and not description:
        raise ValidationError(f"Select the days or enter a description for opening hours {n}")
    return {
        "id": row["id"],
        "service_at_location": sal,
        "byday": ",".join(d for d in DAYS if d in days),
        "opens_at": _json(opens),
        "closes_at": _json(closes),
        "description": description,
    }


@transaction.atomic
def submit_service_change(user, service: Service, data: dict) -> ServiceChange | None:
    """A provider account's edit of one of its organisation's services: its fields and its lists
    of phones, cost options and opening hours (``PROVIDER_LISTS``, each the whole list as it
    should be). Only changed fields and lists are kept; with nothing changed nothing is recorded
    (the service is still marked reviewed). Applied at once unless the organisation's changes
    need approval. A bad row raises ``ValidationError`` (``Refused`` for a row or location that
    is not this service's) naming it, and nothing is written."""
    account = ProviderAccount.objects.select_related("organization").get(user=user)
    if service.organization_id != account.organization_id:
        raise Refused("This service belongs to another organisation.")
    changed = {f: data[f] for f in PROVIDER_FIELDS if f in data and data[f] != _value(service, f)}
    previous = {f: _value(service, f) for f in changed}
    for kind in PROVIDER_LISTS:
        if kind in data:
            rows = _normalise_rows(service, kind, data[kind])
            current = service_rows(service, kind)
            if rows != current:
                changed[kind], previous[kind] = rows, current
    today = timezone.localdate()
    if not changed:
        mark_reviewed(user, service)
        return None
    needs_approval = account.organization.changes_need_approval
    change = ServiceChange.objects.create(
        service=service,
        submitted_by=user,
        data=changed,
        previous=previous,
        status=ServiceChange.Status.PENDING if needs_approval else ServiceChange.Status.APPLIED,
    )
    if not needs_approval:
        _apply(service, changed)
    service.last_reviewed = today
    service.save(update_fields=["last_reviewed"])
    audit(
        "providers.change_submitted",
        service,
        actor=user,
        detail={"change": change.pk, "fields": sorted(changed), "status": change.status},
    )
    return change


def _apply(service: Service, data: dict) -> None:
    """Publish a change: the service's fields, then each list it carries replaces the service's
    rows of that kind (rows kept by id are updated, new ones added, the rest removed). Runs in
    the caller's transaction; a row that no longer fits is refused and nothing is written."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    for field, value in data.items():
        if field in PROVIDER_FIELDS:
            setattr(service, field, value)
    service.full_clean()
    service.save()
    for kind in PROVIDER_LISTS:
        if kind in data:
            _replace_rows(service, kind, data[kind])


def _replace_rows(service: Service, kind: str, rows: list[dict]) -> None:
    label, fields = PROVIDER_LISTS[kind]
    model = {"phones": Phone, "cost_options": CostOption, "schedules": Schedule}[kind]
    existing = {str(obj.id): obj for obj in _rows_of(service, kind)}
    sals = {str(s.id): s for s in ServiceAtLocation.objects.filter(service=service)}
    keep = set()
    for n, row in enumerate(rows, start=1):
        # an id that is no longer the service's (removed by staff meanwhile) becomes a new row
        obj = existing.get(row.get("id") or "") or model()
        for field in fields:
            if field != "service_at_location":
                setattr(obj, field, row.get(field))
        if kind == "schedules":
            sal_id = row.get("service_at_location")
            if sal_id and sal_id not in sals:
                raise Refused(
                    f"The location of opening hours {n} is no longer one of "
                    f"{service.name}'s locations."
                )
            obj.service_at_location = sals[sal_id] if sal_id else None
            obj.service = None if sal_id else service
            if obj.byday and not obj.freq:
                obj.freq = "WEEKLY"
        else:
            obj.service = service
        try:
            obj.full_clean()
        except ValidationError as error:
            raise Refused(f"{label.capitalize()} {n}: {' '.join(error.messages)}") from None
        obj.save()
        keep.add(str(obj.id))
    model.objects.filter(pk__in=[pk for pk in existing if pk not in keep]).delete()


@transaction.atomic
def decide_change(actor, change: ServiceChange, *, approve: bool, note: str = "") -> ServiceChange:
    change = ServiceChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ServiceChange.Status.PENDING:
        raise Refused("This change has already been decided.")
    if approve:
        _apply(change.service, change.data)
    change.status = ServiceChange.Status.APPROVED if approve else ServiceChange.Status.REJECTED
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.note = note
    change.save()
    audit(
        "providers.change_decided",
        change.service,
        actor=actor,
        detail={"change": change.pk, "status": change.status, "note": note},
    )
    # The provider's subscribed endpoints hear of it (only that organisation's: x-audience).
    emit(
        "providers.service_change.decided",
        subject=f"providers/service/{change.service_id}",
        data={
            "change": change.pk,
            "service": str(change.service_id),
            "organization": str(change.service.organization_id),
            "status": change.status,
            "note": note,
        },
    )
    return change


@transaction.atomic
def mark_reviewed(user, service: Service) -> Service:
    """The provider (or staff) confirms the entry is still correct."""
    service.last_reviewed = timezone.localdate()
    service.save(update_fields=["last_reviewed"])
    audit("providers.reviewed", service, actor=user, detail={"on": str(service.last_reviewed)})
    return service


def services_due_for_review(today: datetime.date | None = None):
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=REVIEW_DAYS)
    return Service.objects.filter(Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=cutoff))


def send_review_reminders(now: datetime.datetime | None = None) -> int:
    """Email each organisation's provider accounts the services due for review (at most once
    every REMIND_EVERY_DAYS per service). Returns the number of emails sent."""
    now = now or timezone.now()
    recent = now - datetime.timedelta(days=REMIND_EVERY_DAYS)
    due = (
        services_due_for_review(timezone.localdate(now))
        .filter(Q(review_reminded_at__isnull=True) | Q(review_reminded_at__lt=recent))
        .filter(organization__accounts__isnull=False)
        .select_related("organization")
        .distinct()
        .order_by("organization__name", "name")
    )
    by_org: dict = {}
    for service in due:
        by_org.setdefault(service.organization, []).append(service)
    sent = 0
    for org, services in by_org.items():
        emails = list(
            ProviderAccount.objects.filter(organization=org).values_list("user__email", flat=True)
        )
        lines = "\n".join(f"- {s.name}" for s in services)
        with transaction.atomic():
            send_mail(
                "Please check your directory entries",
                f"These entries for {org.name} have not been reviewed for a year:\n\n{lines}\n\n"
                f"Sign in to check them: {_council_url('/provider/')}\n",
                None,
                emails,
                fail_silently=True,
            )
            Service.objects.filter(pk__in=[s.pk for s in services]).update(review_reminded_at=now)
        sent += 1
    return sent


@transaction.atomic
def set_cqc_provider_ids(by_name: dict[str, str]) -> int:
    """Record CQC provider ids on organisations named in ``{organisation name: CQC id}``."""
    updated = 0
    for name, cqc_id in by_name.items():
        updated += Organization.objects.filter(name=name).update(cqc_provider_id=cqc_id)
    return updated
