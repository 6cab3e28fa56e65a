"""Business operations on councils. Views, the API, the console and commands all call these."""

from dataclasses import dataclass, field
from typing import Any

import structlog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tenants.utils import schema_context, schema_exists

from platform_core import features, provisioning

from . import cloning, pool
from .models import Council, CouncilEvent, CouncilRequest, Domain, Tier, council_url
from .template import build_template, prepare_template_contents, template_schema
from .validators import (
    validate_org_id,
    validate_org_id_matches_gss,
    validate_single_line,
    validate_tier_matches_gss,
)

log = structlog.get_logger(__name__)


@dataclass
class ProvisionedCouncil:
    """What provisioning made. ``set_password_url`` is for the command line only (``manage.py
    provision_council`` prints it); the API and the console never show it: it goes by email."""

    council: Council
    admin_email: str
    set_password_url: str = field(repr=False)
    method: str = "clone"  # how the schema was made: pool, clone, migrate or tenants-clone


PROVISIONING_METHODS = ("auto", "clone", "migrate", "tenants-clone")


def council_domain(slug: str) -> str:
    return f"{slug}.{settings.COUNCIL_DOMAIN_SUFFIX}"


def validate_new_council(
    *, name, slug, gss_code, tier, region="", admin_email="", public_request=False
) -> dict:
    """Check everything a new council needs before anything is written; raise one ValidationError
    naming every bad field.

    ``public_request``: the check behind the sign-up page, which anyone can use. It reports a
    collision only with an *active* council (those are listed on the platform's home page); a
    slug, domain or GSS code held by a suspended or archived council, or a leftover schema, is not
    revealed there: the request is accepted, and approving it fails in the console, where platform
    staff see why.
    """
    errors: dict[str, list] = {}
    council = Council(
        name=name,
        slug=slug,
        gss_code=gss_code,
        tier=tier,
        region=region or "",
        schema_name=Council.schema_name_for(slug or "x"),
    )
    try:
        council.full_clean(exclude=["schema_name"], validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "name" not in errors:
        try:
            validate_single_line(name)
        except ValidationError as exc:
            errors.setdefault("name", []).extend(exc.messages)
    if not errors.get("gss_code") and not errors.get("tier"):
        try:
            validate_tier_matches_gss(tier, gss_code)
        except ValidationError as exc:
            errors.update(exc.message_dict)

    def reported(holder: Council | None) -> bool:
        return not public_request or (holder is not None and holder.status == Council.Status.ACTIVE)

    # Every council that holds the slug, its web address, its schema's name or the GSS code, in
    # one query (this runs in every provisioning request).
    check_slug = "slug" not in errors
    check_gss = "gss_code" not in errors and bool(gss_code)
    holders: list[Council] = []
    if check_slug or check_gss:
        match = Q(pk__in=[])
        if check_slug:
            match |= (
                Q(slug=slug)
                | Q(pk__in=Domain.objects.filter(domain=council_domain(slug)).values("tenant_id"))
                | Q(schema_name__iexact=council.schema_name)
            )
        if check_gss:
            match |= Q(gss_code=gss_code)
        # The platform's own row (always there) makes the query return a row to carry whether
        # the new council's schema name is taken in PostgreSQL (a leftover schema).
        holders = list(
            Council.objects.filter(match | Q(schema_name="public"))
            .annotate(
                holds_domain=Exists(
                    Domain.objects.filter(tenant=OuterRef("pk"), domain=council_domain(slug))
                ),
                schema_taken=RawSQL(
                    "EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = %s)",
                    [council.schema_name],
                ),
            )
            .order_by("pk")
        )
    # (The platform's row is a holder only where it matches like any other.)
    schema_taken = holders[0].schema_taken if holders else None
    if check_slug:
        holder = next((c for c in holders if c.slug == slug), None) or next(
            (c for c in holders if c.holds_domain), None
        )
        schema_holder = next(
            (c for c in holders if c.schema_name.lower() == council.schema_name.lower()), None
        )
        if holder and reported(holder):
            errors.setdefault("slug", []).append(
                f"The web address {council_domain(slug)} is already taken; choose another."
            )
        elif not public_request and (
            schema_holder
            or (schema_exists(council.schema_name) if schema_taken is None else schema_taken)
        ):
            errors.setdefault("slug", []).append(f"A schema for {slug!r} already exists.")
        else:
            # Checked here: the save need not ask again (django-tenants' case-insensitive check).
            council.schema_name_checked = schema_holder is None
    if check_gss:
        holder = next((c for c in holders if c.gss_code == gss_code), None)
        if holder and reported(holder):
            errors.setdefault("gss_code", []).append(
                f"{gss_code} already has a workspace on the platform."
            )
    if admin_email is not None:
        from django.core.validators import validate_email

        try:
            validate_email(admin_email)
        except ValidationError:
            errors.setdefault("admin_email", []).append(f"{admin_email!r} is not an email address.")
    if errors:
        raise ValidationError(errors)
    return {"council": council}


def provision_council(
    *,
    name: str,
    slug: str,
    gss_code: str,
    tier: str,
    admin_email: str,
    region: str = "",
    method: str = "auto",
    notify: bool = True,
    actor=None,
    reason: str = "",
) -> ProvisionedCouncil:
    """Create a council: its row and domain in public, its schema, site, home page, groups and
    first administrator. All in one transaction: if any step fails nothing is left behind.

    ``method="auto"`` (the default) takes a ready schema from the warm pool (tenants/pool.py)
    and copies the template when the pool is empty; ``"clone"`` always copies the template;
    ``"migrate"`` runs every migration instead (the slow path, kept for the benchmark and for
    recovery when the template is unavailable); ``"tenants-clone"`` is django-tenants' own
    ``clone_schema`` followed by faked migrations (for the benchmark's comparison).
    """
    if method not in PROVISIONING_METHODS:
        raise ValueError(f"unknown provisioning method {method!r}")
    council = validate_new_council(
        name=name, slug=slug, gss_code=gss_code, tier=tier, region=region, admin_email=admin_email
    )["council"]
    if notify:
        council.admin_invitation = Council.Invitation.PENDING  # in the INSERT, not an UPDATE
    with transaction.atomic():
        council.save()
        # A new council has no other domain to demote (Domain.save would first UPDATE them all):
        # one INSERT. The council keeps it as its domains, so naming the site reads no row.
        domain = Domain(domain=council_domain(slug), tenant=council, is_primary=True)
        Domain.objects.bulk_create([domain])
        _known_domains(council, [domain])
        if method == "auto":
            method = "pool" if pool.take_into(council.schema_name) else "clone"
            pool.schedule_refill()  # used one, or found the pool empty
        if method == "clone":
            if not schema_exists(template_schema()):
                build_template()
            cloning.clone_schema(template_schema(), council.schema_name)
        elif method == "migrate":
            _migrate_new_schema(council.schema_name)
        elif method == "tenants-clone":
            _tenants_clone_new_schema(council.schema_name)
        with schema_context(council.schema_name):
            url = personalise_council(council, admin_email)
        # The platform event tenants.council.provisioned is written with the council: its
        # handlers (tenants/event_handlers.py) queue what follows the commit, the AFTER_COMMIT
        # steps and, with ``notify``, the welcome email (PENDING, written with the council's
        # row, is its marker). Nothing is sent within the caller's request, and a broker that
        # is down at the commit loses neither: the event waits in the outbox for the relay.
        record_event(council, CouncilEvent.Kind.PROVISIONED, actor, reason, method=method)
    log.info("council.provisioned", council=council.slug, schema=council.schema_name, method=method)
    return ProvisionedCouncil(
        council=council, admin_email=admin_email, set_password_url=url, method=method
    )


def _migrate_new_schema(schema: str) -> None:
    from django.core.management import call_command

    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema}"')
        # Migrations run inside provisioning's transaction; checking foreign keys at once avoids
        # PostgreSQL's "pending trigger events" when a later migration alters a table just filled.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("migrate_schemas", schema_name=schema, tenant=True, interactive=False, verbosity=0)
    with schema_context(schema):
        prepare_template_contents()


def _tenants_clone_new_schema(schema: str) -> None:
    """django-tenants' own path (TenantMixin.create_schema with TENANT_BASE_SCHEMA): its PL/pgSQL
    ``clone_schema`` from the template, then ``migrate_schemas --fake``. Benchmark comparison."""
    from django.core.management import call_command
    from django_tenants.clone import CloneSchema

    if not schema_exists(template_schema()):
        build_template()
    CloneSchema().clone_schema(template_schema(), schema, "DATA", set_connection=False)
    call_command(
        "migrate_schemas",
        schema_name=schema,
        tenant=True,
        fake=True,
        interactive=False,
        verbosity=0,
    )


def _known_domains(council: Council, domains: list[Domain]) -> None:
    """Give ``council.domains.all()`` the rows just written, as a prefetch would (no query)."""
    queryset = Domain.objects.filter(tenant=council)
    queryset._result_cache = list(domains)
    queryset._prefetch_done = True
    council._prefetched_objects_cache = {"domains": queryset}


def personalise_council(council: Council, admin_email: str) -> str:
    """Per-council rows after the copy: each app's COUNCIL provisioning steps (site hostname and
    name, home page), then the first administrator. Runs in the council's schema. Returns the
    first administrator's set-password link. What a council can do without in its first
    seconds is an AFTER_COMMIT step (``queue_after_commit_steps``)."""
    provisioning.run(provisioning.COUNCIL, council)
    return create_council_admin(council, admin_email, group_names=["Council administrators"])


def create_council_admin(council: Council, email: str, groups=(), group_names=()) -> str:
    """A council administrator with no password yet; returns a link to set one (one use, expires).
    ``groups``: Group rows; ``group_names``: groups by name, joined in the same statement (one
    round trip; a name with no group is an error, as a missing Group row would be)."""
    User = get_user_model()
    user = User(username=email, email=email, is_staff=True, is_superuser=True)
    user.set_unusable_password()
    user.save()
    if groups:
        user.groups.add(*groups)
    if group_names:
        from django.contrib.auth.models import Group

        through, quote = User.groups.through, connection.ops.quote_name
        user_column = quote(through._meta.get_field("user").column)
        group_column = quote(through._meta.get_field("group").column)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(through._meta.db_table)} ({user_column}, {group_column}) "  # noqa: S608
                f"SELECT %s, id FROM {quote(Group._meta.db_table)} WHERE name = ANY(%s)",
                [user.pk, list(group_names)],
            )
            if cursor.rowcount != len(set(group_names)):
                raise RuntimeError(f"council groups missing from the schema: {list(group_names)}")
    return set_password_url(user, council_domain(council.slug), "/admin/password_reset/confirm")


def queue_after_commit_steps(council: Council) -> bool:
    """Queue the task that runs the AFTER_COMMIT steps in the council's schema
    (``tenants.personalise_council``); False when no app has such a step. Called by the handler
    of the council's provisioned event, so a failed enqueue (raised) is retried by the relay; a
    failed task leaves the template's generic rows, which are complete, and can run again."""
    if not provisioning.steps(provisioning.AFTER_COMMIT):
        return False
    from .tasks import personalise_council as task

    task.apply_async(args=(council.pk,))
    return True


def run_after_commit_steps(council: Council) -> None:
    """Every AFTER_COMMIT step for ``council``, in its schema, in one transaction (idempotent)."""
    with transaction.atomic(), schema_context(council.schema_name):
        provisioning.run(provisioning.AFTER_COMMIT, council)
    log.info("council.personalised", council=council.slug)


def set_password_url(user, domain: str, prefix: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return council_url(domain, f"{prefix}/{uid}/{token}/")


def _mail_welcome(council: Council, email: str, url: str) -> None:
    """Email one administrator their set-password link (raises when it cannot be sent)."""
    send_mail(
        subject=f"Your Council Platform workspace for {council.name} is ready",
        message=(
            f"{council.name} now has its workspace at {council.site_url()}.\n\n"
            f"Set your password to sign in: {url}\n\nThe link works once and expires in "
            f"{settings.PASSWORD_RESET_TIMEOUT // 86400} days."
        ),
        from_email=None,
        recipient_list=[email],
    )


def _send_welcome(council: Council, email: str, url: str) -> bool:
    """Email the administrator their set-password link. Never raises: the outcome is
    recorded on the council (``admin_invitation``) and logged."""
    try:
        _mail_welcome(council, email, url)
    except Exception as exc:  # any failure to send (SMTP, DNS, a bad header) is reported
        log.exception("council.invitation_failed", council=council.slug)
        _set_invitation(council, Council.Invitation.FAILED, f"{type(exc).__name__}: {exc}")
        return False
    log.info("council.invitation_sent", council=council.slug)
    _set_invitation(council, Council.Invitation.SENT)
    return True


def _set_invitation(council: Council, status: str, error: str = "") -> None:
    council.admin_invitation = status
    council.admin_invitation_error = error[:500]
    Council.objects.filter(pk=council.pk).update(
        admin_invitation=status, admin_invitation_error=council.admin_invitation_error
    )


def _waiting_admin_links(council: Council) -> dict[str, str]:
    """``{email: set-password link}`` of the council's administrators who have no password yet
    (fresh links: a link is a one-use token, never stored or carried in a task's arguments)."""
    User = get_user_model()
    with schema_context(council.schema_name):
        waiting = [
            user
            for user in User.objects.filter(is_superuser=True, is_active=True, last_login=None)
            if not user.has_usable_password() and user.email
        ]
        return {
            user.email: set_password_url(
                user,
                council.primary_domain or council_domain(council.slug),
                "/admin/password_reset/confirm",
            )
            for user in waiting
        }


# pg_advisory_xact_lock(WELCOME_LOCK, council id): one welcome email at a time per council.
WELCOME_LOCK = 0x77656C63  # "welc"


def send_welcome(council_id: int, *, final: bool = True) -> str:
    """The welcome email of a newly provisioned council (the task ``tenants.send_welcome_email``).

    Idempotent, at most one welcome per council: under a transaction-scoped advisory lock on
    the council, it sends only while the council's ``admin_invitation`` is PENDING (set with the
    council's row when provisioning was asked to notify), and marks it SENT in the same
    transaction. A duplicate delivery waits for the lock, then finds SENT and sends nothing; a
    worker that dies before the commit leaves PENDING, and the redelivered task sends it then.
    A failure to send raises (the task retries with backoff) and is noted on the council; on
    the ``final`` attempt it marks the council FAILED instead (the console offers "Email a new
    set-password link"). Answers "sent", "already" (sent, failed or never asked), "nobody" (no
    administrator is waiting for a password any more), "gone" or "failed"."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [WELCOME_LOCK, council_id])
            council = (
                Council.objects.exclude(schema_name="public")
                .prefetch_related("domains")
                .filter(pk=council_id)
                .first()
            )
            if council is None:
                return "gone"
            if council.admin_invitation != Council.Invitation.PENDING:
                return "already"
            links = _waiting_admin_links(council)
            if not links:  # e.g. the first administrator set a password from the command's link
                _set_invitation(council, Council.Invitation.NOT_SENT)
                return "nobody"
            for email, url in links.items():
                _mail_welcome(council, email, url)
            _set_invitation(council, Council.Invitation.SENT)
    except Exception as exc:  # any failure to send (SMTP, DNS, a bad header)
        error = f"{type(exc).__name__}: {exc}"[:500]
        pending = Council.objects.filter(pk=council_id, admin_invitation=Council.Invitation.PENDING)
        if final:
            log.exception("council.invitation_failed", council_id=council_id)
            pending.update(admin_invitation=Council.Invitation.FAILED, admin_invitation_error=error)
            return "failed"
        log.warning("council.invitation_retry", council_id=council_id, error=error)
        pending.update(admin_invitation_error=error)
        raise
    log.info("council.invitation_sent", council=council.slug)
    return "sent"


def send_admin_invitation(council: Council) -> list[str]:
    """Email a new set-password link to each administrator of the council who has not set a
    password yet (the console's "Email a new set-password link"). Returns the addresses written
    to; the outcome is recorded on the council like the first invitation."""
    links = _waiting_admin_links(council)
    sent = [email for email, url in links.items() if _send_welcome(council, email, url)]
    return sent


def ensure_platform_tenant() -> Council:
    """The public schema's own tenant row and the platform domain (idempotent)."""
    platform, _ = Council.objects.get_or_create(
        schema_name="public",
        defaults={
            "name": "Council Platform",
            "slug": "platform",
            "tier": Tier.OTHER,
            "gss_code": None,
        },
    )
    Domain.objects.update_or_create(
        domain=settings.PLATFORM_DOMAIN, defaults={"tenant": platform, "is_primary": True}
    )
    return platform


def actor_name(actor) -> tuple[str, Any]:
    """(name, user) of whoever acts: a platform user, a string naming the command or task, or
    None (the system). ``user`` is None unless it is a saved user."""
    if actor is None:
        return "system", None
    if isinstance(actor, str):
        return actor[:254], None
    return actor.get_username()[:254], actor if actor.pk else None


def record_event(
    council: Council, kind: str, actor=None, reason: str = "", **detail
) -> CouncilEvent:
    """Add a step to the council's history. ``actor`` is a platform user, a string naming the
    command or task, or None (the system)."""
    name, user = actor_name(actor)
    event = CouncilEvent.objects.create(
        council=council,
        council_slug=council.slug,
        council_name=council.name,
        kind=kind,
        actor=user,
        actor_name=name,
        reason=(reason or "")[:500],
        detail=detail,
    )
    if kind in PLATFORM_EVENTS:
        _emit_platform_event(council, kind, event)
    return event


# Steps of a council's history that are also platform events (public schema's outbox, in the
# step's transaction; docs/events.md, "Platform events").
PLATFORM_EVENTS: dict[str, str] = {
    CouncilEvent.Kind.PROVISIONED: "tenants.council.provisioned",
    CouncilEvent.Kind.RESTORED: "tenants.council.restored",
    CouncilEvent.Kind.SUSPENDED: "tenants.council.suspended",
    CouncilEvent.Kind.REACTIVATED: "tenants.council.reactivated",
    CouncilEvent.Kind.DELETION_SCHEDULED: "tenants.council.deletion_scheduled",
    CouncilEvent.Kind.DELETION_CANCELLED: "tenants.council.deletion_cancelled",
    CouncilEvent.Kind.DELETED: "tenants.council.deleted",
}


def _emit_platform_event(council: Council, kind: str, event: CouncilEvent) -> None:
    from platform_core.events import emit_platform

    detail = event.detail or {}
    data: dict[str, Any] = {
        "council": council.schema_name,
        "slug": council.slug,
        "name": council.name,
        "actor": event.actor_name,
        "reason": event.reason,
    }
    if kind in (CouncilEvent.Kind.PROVISIONED, CouncilEvent.Kind.RESTORED):
        # primary_domain reads the domains a provisioning has just written without a query.
        data["domain"] = council.primary_domain or ""
    if kind == CouncilEvent.Kind.PROVISIONED:
        data.update(
            method=str(detail.get("method", "")), gss_code=council.gss_code or "", tier=council.tier
        )
    elif kind == CouncilEvent.Kind.RESTORED:
        data["source"] = detail.get("source")
    elif kind == CouncilEvent.Kind.DELETION_SCHEDULED:
        data.update(due=str(detail["due"]), export=int(detail["export"]))
    elif kind == CouncilEvent.Kind.DELETED:
        data["export"] = int(detail["export"])
    emit_platform(
        PLATFORM_EVENTS[kind],
        council=council.schema_name,
        subject=f"councils/{council.schema_name}",
        data=data,
    )


STATUS_EVENTS: dict[str, str] = {
    Council.Status.SUSPENDED: CouncilEvent.Kind.SUSPENDED,
    Council.Status.ACTIVE: CouncilEvent.Kind.REACTIVATED,
}


def set_council_status(council: Council, status: str, reason: str = "", actor=None) -> Council:
    if status not in Council.Status.values:
        raise ValidationError(
            {"status": [f"{status!r} is not one of {', '.join(Council.Status.values)}."]}
        )
    if council.is_public:
        raise ValidationError({"status": ["The platform's own tenant has no status to change."]})
    if status == Council.Status.ACTIVE and council.deletion_due_at is not None:
        raise ValidationError(
            {"status": [f"{council.name} is scheduled for deletion: cancel the deletion first."]}
        )
    reason = _clean_reason(reason)
    with transaction.atomic():
        changed = council.status != status
        council.status = status
        council.status_reason = reason
        council.save(update_fields=["status", "status_reason"])
        if changed and status in STATUS_EVENTS:
            record_event(council, STATUS_EVENTS[status], actor, reason)
    log.info("council.status_changed", council=council.slug, status=status)
    return council


def set_org_id(council: Council, org_id: str, actor=None) -> Council:
    """Set the council's org-id (the funder's id in its 360Giving feed): one of the UK local
    authority registers of org-id.guide, the register of the council's nation, held by no other
    council. Empty clears it. Recorded in the council's history."""
    org_id = (org_id or "").strip().upper()
    if council.is_public:
        raise ValidationError({"org_id": ["The platform's own tenant has no org-id."]})
    if org_id:
        try:
            validate_org_id(org_id)
        except ValidationError as exc:
            raise ValidationError({"org_id": exc.messages}) from None
        validate_org_id_matches_gss(org_id, council.gss_code or "")
        holder = Council.objects.filter(org_id=org_id).exclude(pk=council.pk).first()
        if holder is not None:
            raise ValidationError({"org_id": [f"{org_id} is already {holder.name}'s org-id."]})
    if org_id == council.org_id:
        return council
    with transaction.atomic():
        before = council.org_id
        council.org_id = org_id
        council.save(update_fields=["org_id"])
        record_event(
            council,
            CouncilEvent.Kind.DETAILS_CHANGED,
            actor,
            f"org-id {before or '(none)'} → {org_id or '(none)'}",
            org_id=org_id,
        )
    return council


def set_council_feature(
    council: Council, feature: str, state: str, actor=None, reason: str = ""
) -> bool:
    """Switch one optional feature (platform_core.features) ``on`` or ``off`` for the council, or
    back to its ``default`` (the plan's, else the platform's). Recorded in the council's history
    with the setting before and after. Answers whether anything changed."""
    if council.is_public:
        raise ValidationError({"feature": ["The platform's own tenant has no council features."]})
    known = features.get(feature)
    reason = _clean_reason(reason)
    with transaction.atomic():
        was, now = features.set_state(council.schema_name, feature, state)
        if was == now:
            return False
        label = {None: "default", True: "on", False: "off"}
        effective = features.resolve(council.schema_name)[feature]
        summary = f"{known.label}: {label[was]} → {label[now]}"
        record_event(
            council,
            CouncilEvent.Kind.FEATURE_CHANGED,
            actor,
            f"{summary}: {reason}" if reason else summary,
            feature=feature,
            was=label[was],
            now=label[now],
            enabled=effective,
        )
    log.info("council.feature_changed", council=council.slug, feature=feature, state=state)
    return True


def suspend_council(council: Council, reason: str = "", actor=None) -> Council:
    return set_council_status(council, Council.Status.SUSPENDED, reason, actor=actor)


def reactivate_council(council: Council, actor=None, reason: str = "") -> Council:
    return set_council_status(council, Council.Status.ACTIVE, reason, actor=actor)


def request_council(**fields) -> CouncilRequest:
    """A council asks for a workspace (sign-up page). Validated now so approval cannot fail on
    input; collisions with councils that are not listed publicly are not revealed (see
    ``validate_new_council``)."""
    errors: dict[str, list] = {}
    try:
        validate_new_council(
            name=fields.get("name"),
            slug=fields.get("slug"),
            gss_code=fields.get("gss_code"),
            tier=fields.get("tier"),
            region=fields.get("region", ""),
            admin_email=fields.get("contact_email"),
            public_request=True,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        validate_single_line(fields.get("contact_name") or "")
    except ValidationError as exc:
        errors.setdefault("contact_name", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    if CouncilRequest.objects.filter(
        slug=fields.get("slug"), status=CouncilRequest.Status.PENDING
    ).exists():
        raise ValidationError(
            {"slug": [f"A request for {fields.get('slug')!r} is already waiting for approval."]}
        )
    request = CouncilRequest(**fields)
    request.full_clean()
    request.save()
    return request


def approve_council_request(
    council_request: CouncilRequest, approver, reason: str = ""
) -> ProvisionedCouncil:
    if council_request.status != CouncilRequest.Status.PENDING:
        raise ValidationError({"status": [f"This request is already {council_request.status}."]})
    reason = _clean_reason(reason)
    with transaction.atomic():
        result = provision_council(
            name=council_request.name,
            slug=council_request.slug,
            gss_code=council_request.gss_code,
            tier=council_request.tier,
            region=council_request.region,
            admin_email=council_request.contact_email,
            actor=approver,
            reason=reason or f"Sign-up request #{council_request.pk} approved",
        )
        council_request.status = CouncilRequest.Status.APPROVED
        council_request.council = result.council
        council_request.decided_by = approver
        council_request.decided_at = timezone.now()
        council_request.decision_reason = reason
        council_request.save()
    return result


def reject_council_request(
    council_request: CouncilRequest, approver, reason: str = ""
) -> CouncilRequest:
    if council_request.status != CouncilRequest.Status.PENDING:
        raise ValidationError({"status": [f"This request is already {council_request.status}."]})
    council_request.status = CouncilRequest.Status.REJECTED
    council_request.decided_by = approver
    council_request.decided_at = timezone.now()
    council_request.decision_reason = _clean_reason(reason)
    council_request.save()
    return council_request


def _clean_reason(reason: str) -> str:
    """A decision's or status change's reason: one line of at most 500 characters."""
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationError(
            {"reason": [f"The reason is {len(reason)} characters long; keep it to 500."]}
        )
    try:
        validate_single_line(reason)
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from exc
    return reason
