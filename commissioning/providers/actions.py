"""Changes to the directory that other parts of the platform (and provider accounts) make.

Every change runs in one transaction and writes the council's audit log."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from platform_core.audit.log import append as audit
from platform_core.errors import Refused
from platform_core.events import emit
from platform_core.hosts import council_url
from tenants.access import current_council

from .models import Organization, ProviderAccount, Service, ServiceChange

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


@transaction.atomic
def submit_service_change(user, service: Service, data: dict) -> ServiceChange | None:
    """A provider account's edit of one of its organisation's services. Only changed fields
    are kept; with nothing changed nothing is recorded (the service is still marked reviewed).
    Applied at once unless the organisation's changes need approval."""
    account = ProviderAccount.objects.select_related("organization").get(user=user)
    if service.organization_id != account.organization_id:
        raise Refused("This service belongs to another organisation.")
    changed = {f: data[f] for f in PROVIDER_FIELDS if f in data and data[f] != _value(service, f)}
    today = timezone.localdate()
    if not changed:
        mark_reviewed(user, service)
        return None
    previous = {f: _value(service, f) for f in changed}
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
    for field, value in data.items():
        setattr(service, field, value)
    service.full_clean()
    service.save()


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
    from django.db.models import Q

    cutoff = today - datetime.timedelta(days=REVIEW_DAYS)
    return Service.objects.filter(Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=cutoff))


def send_review_reminders(now: datetime.datetime | None = None) -> int:
    """Email each organisation's provider accounts the services due for review (at most once
    every REMIND_EVERY_DAYS per service). Returns the number of emails sent."""
    now = now or timezone.now()
    recent = now - datetime.timedelta(days=REMIND_EVERY_DAYS)
    from django.db.models import Q

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
