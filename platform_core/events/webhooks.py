"""Webhooks: council administrators subscribe endpoints to event types; the relay fans each
delivered event out to the subscribed endpoints of the same council (every table here is in the
council's schema, so another council's endpoints never see it) and sends the deliveries.

The same code serves the platform: in the public schema every function here works on the
platform staff's tables (``platform_core.models.PlatformWebhookEndpoint``,
``PlatformWebhookDelivery``, ``PlatformWebhookAttempt``), which take platform event types
only, as the relay picks the platform outbox there (``tables``). A council's schema has only
its own tables and council types; the public schema only the platform's and platform types.

Delivery (``deliver_due``), run by the relay task after the outbox:
- due deliveries are claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` (two workers never send
  one delivery at once) and sent concurrently (``WEBHOOKS_CONCURRENCY``), in event order per
  endpoint and subject (a delivery waits while an earlier one of its subject to the same
  endpoint is pending);
- the body is the CloudEvents 1.0 JSON (structured mode), signed (``signing``); the address is
  resolved and checked at send time (``transport``: no private/loopback targets);
- 2xx delivers; anything else is an attempt logged with status and latency, retried with
  exponential backoff and jitter until ``retry_until`` (24 hours after the event), then
  dead-lettered; staff replay dead deliveries;
- at-least-once: a worker killed mid-send leaves the row locked by a transaction that rolls
  back, so the delivery is sent again; receivers de-duplicate on the event ``id``.
- an endpoint whose attempts keep failing (``WEBHOOKS_DISABLE_AFTER_FAILURES`` in a row) is
  disabled and the council's administrators (a platform endpoint: the platform staff who may
  manage platform webhooks) are emailed.
"""

import json
import logging
import random
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING, TypeAlias

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from platform_core.errors import Refused

from . import signing, transport
from .models import OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .outbox import as_cloudevent
from .registry import event_type
from .timing import phase

if TYPE_CHECKING:
    from platform_core.models import PlatformWebhookDelivery, PlatformWebhookEndpoint

log = logging.getLogger(__name__)

# A council's endpoint or delivery, or the platform's (the same columns; ``tables``).
Endpoint: TypeAlias = "WebhookEndpoint | PlatformWebhookEndpoint"
Delivery: TypeAlias = "WebhookDelivery | PlatformWebhookDelivery"

CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
ADMIN_GROUP = "Council administrators"


def _setting(name: str, default):
    return type(default)(getattr(settings, name, default))


def _platform() -> bool:
    from platform_core.db import connection

    return connection.schema_name == get_public_schema_name()


def tables():
    """The endpoint, delivery and attempt models of the current schema: a council's, or in the
    public schema the platform's."""
    if _platform():
        from platform_core.models import (
            PlatformWebhookAttempt,
            PlatformWebhookDelivery,
            PlatformWebhookEndpoint,
        )

        return PlatformWebhookEndpoint, PlatformWebhookDelivery, PlatformWebhookAttempt
    return WebhookEndpoint, WebhookDelivery, WebhookAttempt


def audit(action: str, obj, *, actor, detail) -> None:
    """A council's changes go to its hash-chained audit log; the platform's (public schema, no
    audit log there) to Django's admin log (``LogEntry``, by the staff member who acted) and the
    application log. Inside the caller's transaction either way."""
    if not _platform():
        from platform_core.audit.log import append

        append(action, obj, actor=actor, detail=detail)
        return
    log.info("%s %s %s by %s: %s", action, obj._meta.label_lower, obj.pk, actor, detail)
    user_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    if user_id is None:
        return  # the system (automatic disabling): recorded on the endpoint and in the log
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.core.serializers.json import DjangoJSONEncoder

    LogEntry.objects.create(
        user_id=user_id,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=CHANGE,
        change_message=f"{action} {json.dumps(detail, cls=DjangoJSONEncoder)}"[:4000],
    )


# --- Subscriptions (actions) ----------------------------------------------------------------


def _clean_types(event_types, organization: str = "") -> list[str]:
    if not isinstance(event_types, list | tuple) or not event_types:
        raise ValueError("Choose at least one event type.")
    scope = tables()[0].scope
    cleaned = []
    for name in event_types:
        try:
            found = event_type(str(name))
        except LookupError:
            raise ValueError(f"{name!r} is not an event type in the catalogue.") from None
        if found.scope != scope:
            raise ValueError(
                f"{name!r} is a platform event: no council or provider endpoint can subscribe."
                if scope == "council"
                else f"{name!r} is a council event: platform endpoints take platform events only."
            )
        if organization and not found.audience:
            raise ValueError(f"{name!r} is not an event type providers can subscribe to.")
        if name not in cleaned:
            cleaned.append(str(name))
    return sorted(cleaned)


def create_endpoint(
    actor, *, url: str, event_types, description: str = "", organization: str = ""
) -> Endpoint:
    """Subscribe ``url`` to ``event_types`` (ValueError naming the problem for bad input);
    ``organization``: the provider organisation subscribing (only provider event types). In
    the public schema: a platform endpoint (platform types, no organisation)."""
    transport.check_url(url)
    model = tables()[0]
    fields = {}
    if organization:
        if model is not WebhookEndpoint:
            raise ValueError("Platform endpoints belong to no provider organisation.")
        fields["organization"] = str(organization)
    with transaction.atomic():
        endpoint = model.objects.create(
            url=url,
            description=description,
            event_types=_clean_types(event_types, str(organization or "")),
            secret=signing.new_secret(),
            created_by=_actor_name(actor),
            **fields,
        )
        audit(
            "events.webhook.created",
            endpoint,
            actor=actor,
            detail={"url": url, "event_types": endpoint.event_types},
        )
    return endpoint


def update_endpoint(actor, endpoint: Endpoint, **changes) -> Endpoint:
    """Change url, description, event_types or active. Re-enabling resets the failure count."""
    if "url" in changes:
        transport.check_url(changes["url"])
    if "event_types" in changes:
        changes["event_types"] = _clean_types(
            changes["event_types"], getattr(endpoint, "organization", "")
        )
    with transaction.atomic():
        endpoint = tables()[0].objects.select_for_update().get(pk=endpoint.pk)
        for name in ("url", "description", "event_types"):
            if name in changes:
                setattr(endpoint, name, changes[name])
        if "active" in changes and bool(changes["active"]) != endpoint.active:
            endpoint.active = bool(changes["active"])
            if endpoint.active:
                endpoint.disabled_at, endpoint.disabled_reason = None, ""
                endpoint.consecutive_failures = 0
            else:
                endpoint.disabled_at = timezone.now()
                endpoint.disabled_reason = f"Disabled by {_actor_name(actor) or 'staff'}"
        endpoint.save()
        audit(
            "events.webhook.updated",
            endpoint,
            actor=actor,
            detail={k: v for k, v in changes.items() if k != "secret"},
        )
    return endpoint


def delete_endpoint(actor, endpoint: Endpoint) -> None:
    with transaction.atomic():
        audit("events.webhook.deleted", endpoint, actor=actor, detail={"url": endpoint.url})
        endpoint.delete()


def rotate_secret(actor, endpoint: Endpoint, overlap_hours: float | None = None):
    """A new secret; the old one still signs (a second ``v1``) for the overlap window, so the
    receiver can switch without losing a delivery."""
    if overlap_hours is None:
        overlap_hours = _setting("WEBHOOKS_SECRET_OVERLAP_HOURS", 24.0)
    with transaction.atomic():
        endpoint = tables()[0].objects.select_for_update().get(pk=endpoint.pk)
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = timezone.now() + timedelta(hours=overlap_hours)
        endpoint.secret = signing.new_secret()
        endpoint.save()
        audit(
            "events.webhook.secret_rotated",
            endpoint,
            actor=actor,
            detail={"overlap_until": endpoint.previous_secret_expires_at},
        )
    return endpoint


def replay_delivery(actor, delivery: Delivery) -> Delivery:
    """Send a dead-lettered delivery again (a fresh retry window)."""
    with transaction.atomic():
        delivery = tables()[1].objects.select_for_update().get(pk=delivery.pk)
        if delivery.status != WebhookDelivery.Status.DEAD:
            raise Refused("Only a dead-lettered delivery can be replayed.")
        now = timezone.now()
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = now
        delivery.retry_until = now + _window()
        delivery.save()
        audit(
            "events.webhook.replayed",
            delivery,
            actor=actor,
            detail={"event": str(delivery.event.event_id), "endpoint": delivery.endpoint_id},
        )
        _wake_on_commit()
    return delivery


def _actor_name(actor) -> str:
    if actor is None:
        return ""
    if isinstance(actor, str):
        return actor
    return actor.get_username() if getattr(actor, "is_authenticated", False) else ""


def _wake_on_commit() -> None:
    from platform_core.db import connection

    from .outbox import _wake_on_commit as wake

    wake(connection.schema_name)


# --- Fan-out (called by the relay in the event's transaction) --------------------------------


def _window() -> timedelta:
    return timedelta(hours=_setting("WEBHOOKS_RETRY_WINDOW_HOURS", 24.0))


def subscribed_endpoints() -> list[Endpoint]:
    """The council's (in public: the platform's) active endpoints (one query; the relay asks
    once per batch)."""
    return list(tables()[0].objects.filter(active=True))


def fan_out(event: OutboxEvent) -> int:
    """One delivery per active endpoint subscribed to the event's type (idempotent: a relay
    that runs again for the event adds nothing). Returns how many endpoints match."""
    return fan_out_many([event])


def fan_out_many(events: list[OutboxEvent], endpoints: list[Endpoint] | None = None) -> int:
    """``fan_out`` for a batch of events in one insert (``endpoints``: the active endpoints,
    when the caller already has them). Returns how many deliveries match."""
    if endpoints is None:
        endpoints = subscribed_endpoints()
    now = timezone.now()
    window = _window()
    model = tables()[1]
    deliveries = [
        model(
            endpoint=e,
            event=event,
            subject=event.subject,
            next_attempt_at=now,
            retry_until=event.time + window,
        )
        for event in events
        for e in endpoints
        if event.type in e.event_types and e.receives(event)
    ]
    if deliveries:
        model.objects.bulk_create(deliveries, ignore_conflicts=True)
    return len(deliveries)


# --- Sending ---------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    """base * 2^(attempts-1), capped, with jitter on the upper half."""
    base = _setting("WEBHOOKS_RETRY_BASE_SECONDS", 30.0)
    cap = _setting("WEBHOOKS_RETRY_MAX_SECONDS", 3600.0)
    delay = min(cap, base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=delay / 2 + random.uniform(0, delay / 2))  # noqa: S311 - jitter


def _claimable():
    now = timezone.now()
    model = tables()[1]
    earlier_pending = model.objects.filter(
        endpoint=OuterRef("endpoint"),
        subject=OuterRef("subject"),
        event__lt=OuterRef("event"),
        status=WebhookDelivery.Status.PENDING,
    )
    return (
        model.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now, endpoint__active=True
        )
        .exclude(Exists(earlier_pending))
        .order_by("event_id", "id")
    )


def analyze_deliveries() -> None:
    """``ANALYZE`` the current schema's deliveries table (a council's, or the platform's). The delivery claim's "no earlier
    pending delivery of this endpoint and subject" check has the outbox claim's weakness: with
    statistics that say nothing is pending, PostgreSQL runs it as a nested loop over every
    pending delivery, 1.97 s a claim with 2,000 pending against 4.7 ms after ``ANALYZE``
    (docs/benchmarks.md, "Events"). The relay task calls this once a run has fanned out
    ``EVENTS_ANALYZE_AFTER`` events."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{tables()[1]._meta.db_table}"')


def request_for(delivery: Delivery, now=None) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one attempt."""
    cloudevent = as_cloudevent(delivery.event)
    body = json.dumps(cloudevent, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": CONTENT_TYPE,
        signing.HEADER: signing.sign(body, delivery.endpoint.signing_secrets(now)),
        "Council-Platform-Event-Id": cloudevent["id"],
        "Council-Platform-Delivery": str(delivery.pk),
    }
    return body, headers


def _send(item):
    delivery, body, headers, target = item
    return transport.post(delivery.endpoint.url, body, headers, target)


def deliver_due(limit: int | None = None) -> dict:
    """Send the current council's (in public: the platform's) due deliveries, one batch per
    transaction, until none is left (or ``limit`` were tried). Returns counts. A batch is ``WEBHOOKS_BATCH`` deliveries;
    while claims come back full (a backlog) the next batch is twice as large, up to
    ``WEBHOOKS_BATCH_MAX``: a batch's statements (claim, attempts, results, commit) are the
    same whatever its size, so a backlog is sent with fewer round trips per delivery."""
    batch_size = _setting("WEBHOOKS_BATCH", 100)
    batch_max = max(batch_size, _setting("WEBHOOKS_BATCH_MAX", 400))
    threads = max(1, _setting("WEBHOOKS_CONCURRENCY", 8))
    counts = {"delivered": 0, "failed": 0}
    tried = 0
    with ThreadPoolExecutor(max_workers=threads) as pool:
        while limit is None or tried < limit:
            with phase("webhooks.batch"), transaction.atomic():
                size = batch_size if limit is None else min(batch_size, limit - tried)
                with phase("webhooks.claim"):
                    claimed = list(
                        _claimable()
                        .select_related("endpoint", "event")
                        .select_for_update(skip_locked=True, of=("self",))[:size]
                    )
                if not claimed:
                    break
                batch_size = min(batch_size * 2, batch_max) if len(claimed) == size else batch_size
                # One delivery per endpoint and subject per round: the next one of the same
                # subject is sent only after this one is delivered (order per subject).
                seen, batch = set(), []
                for d in claimed:
                    if (d.endpoint_id, d.subject) not in seen:
                        seen.add((d.endpoint_id, d.subject))
                        batch.append(d)
                now = timezone.now()
                # Each endpoint's host is resolved and checked once per batch; its requests go
                # to that address (transport: SSRF checks, pinned address, pooled connections).
                with phase("webhooks.sign"):
                    targets = {
                        url: transport.resolve_or_refusal(url)
                        for url in {d.endpoint.url for d in batch}
                    }
                    items = [(d, *request_for(d, now), targets[d.endpoint.url]) for d in batch]
                with phase("webhooks.http"):
                    outcomes = list(pool.map(_send, items))
                with phase("webhooks.record"):
                    _record(batch, outcomes)
                for outcome in outcomes:
                    counts["delivered" if outcome.ok else "failed"] += 1
                tried += len(batch)
    return counts


def _record(batch: list[Delivery], outcomes: list) -> None:
    now = timezone.now()
    attempt = tables()[2]
    attempt.objects.bulk_create(
        [
            attempt(
                delivery=d,
                attempted_at=now,
                status_code=o.status_code,
                latency_ms=o.latency_ms,
                ok=o.ok,
                error=o.error,
            )
            for d, o in zip(batch, outcomes, strict=True)
        ]
    )
    failures: dict[int, int] = {}
    succeeded: set[int] = set()
    for delivery, outcome in zip(batch, outcomes, strict=True):
        delivery.attempts += 1
        delivery.last_status_code = outcome.status_code
        if outcome.ok:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = now
            delivery.last_error = ""
            succeeded.add(delivery.endpoint_id)
        else:
            delivery.last_error = outcome.error
            failures[delivery.endpoint_id] = failures.get(delivery.endpoint_id, 0) + 1
            if now >= delivery.retry_until:
                delivery.status = WebhookDelivery.Status.DEAD
                log.warning(
                    "webhooks: delivery %s of %s to endpoint %s dead-lettered after %s attempts",
                    delivery.pk,
                    delivery.event.event_id,
                    delivery.endpoint_id,
                    delivery.attempts,
                )
            else:
                delivery.next_attempt_at = min(
                    now + backoff(delivery.attempts), delivery.retry_until
                )
    _update_deliveries(batch)
    # A success resets the endpoint's count of failures in a row; no statement when every
    # endpoint that succeeded had none when the batch was claimed (the usual case).
    reset = {
        d.endpoint_id
        for d in batch
        if d.endpoint_id in succeeded - set(failures) and d.endpoint.consecutive_failures
    }
    if reset:
        tables()[0].objects.filter(pk__in=reset).exclude(consecutive_failures=0).update(
            consecutive_failures=0
        )
    for endpoint_id, failed in failures.items():
        _count_failures(endpoint_id, failed, reset_first=endpoint_id in succeeded)


# The columns ``_record`` writes, with their SQL types (for the VALUES list's casts).
_RESULT_COLUMNS = (
    ("attempts", "integer"),
    ("last_status_code", "integer"),
    ("status", "varchar"),
    ("delivered_at", "timestamptz"),
    ("last_error", "text"),
    ("next_attempt_at", "timestamptz"),
)


def _update_deliveries(batch: list[Delivery]) -> None:
    """Write a batch's results in ONE statement, ``UPDATE ... FROM (VALUES ...)`` (Django's
    ``bulk_update`` builds a ``CASE WHEN`` per column over the whole batch: 8 s of a 12 s
    webhook step in the benchmark's profile)."""
    if not batch:
        return
    from django.db import connection

    qn = connection.ops.quote_name
    table = qn(tables()[1]._meta.db_table)
    row = "(%s::bigint, " + ", ".join(f"%s::{kind}" for _, kind in _RESULT_COLUMNS) + ")"
    names = ", ".join(qn(name) for name, _ in _RESULT_COLUMNS)
    assignments = ", ".join(f"{qn(name)} = v.{qn(name)}" for name, _ in _RESULT_COLUMNS)
    params: list = []
    for d in batch:
        params.append(d.pk)
        # str(): a TextChoices member would otherwise be sent as its enum name.
        params.extend(
            str(d.status) if name == "status" else getattr(d, name) for name, _ in _RESULT_COLUMNS
        )
    sql = (
        f"UPDATE {table} AS d SET {assignments} "  # noqa: S608 - names from the model, values as parameters
        f"FROM (VALUES {', '.join([row] * len(batch))}) AS v(id, {names}) "
        "WHERE d.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _count_failures(endpoint_id: int, failed: int, *, reset_first: bool) -> None:
    endpoint = tables()[0].objects.select_for_update().get(pk=endpoint_id)
    endpoint.consecutive_failures = (0 if reset_first else endpoint.consecutive_failures) + failed
    threshold = _setting("WEBHOOKS_DISABLE_AFTER_FAILURES", 50)
    disable = endpoint.active and endpoint.consecutive_failures >= threshold
    if disable:
        endpoint.active = False
        endpoint.disabled_at = timezone.now()
        endpoint.disabled_reason = (
            f"Disabled automatically after {endpoint.consecutive_failures} failed attempts in a "
            "row."
        )
        audit(
            "events.webhook.disabled",
            endpoint,
            actor="webhooks",
            detail={"failures": endpoint.consecutive_failures, "url": endpoint.url},
        )
        transaction.on_commit(lambda: notify_disabled(endpoint), robust=True)
    endpoint.save(
        update_fields=["consecutive_failures", "active", "disabled_at", "disabled_reason"]
    )


def council_admin_emails() -> list[str]:
    """Active users of the current council in the administrators' group, and superusers."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    users = users.filter(Q(groups__name=ADMIN_GROUP) | Q(is_superuser=True))
    return sorted(set(users.values_list("email", flat=True)))


PLATFORM_WEBHOOK_PERM = ("platform_core", "change_platformwebhookendpoint")


def platform_staff_emails() -> list[str]:
    """Active platform staff who may manage the platform's webhooks (the permission, directly
    or through a group, or superusers)."""
    app_label, codename = PLATFORM_WEBHOOK_PERM
    users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    users = users.filter(
        Q(is_superuser=True)
        | Q(
            user_permissions__codename=codename,
            user_permissions__content_type__app_label=app_label,
        )
        | Q(
            groups__permissions__codename=codename,
            groups__permissions__content_type__app_label=app_label,
        )
    )
    return sorted(set(users.values_list("email", flat=True)))


def notify_disabled(endpoint: Endpoint) -> None:
    """Email the council's administrators (a platform endpoint: the platform staff who manage
    webhooks) that an endpoint was disabled (never raises)."""
    from platform_core.db import connection

    if _platform():
        staff = platform_staff_emails()
        if not staff:
            log.warning("webhooks: platform endpoint %s disabled; no staff to tell", endpoint.pk)
            return
        try:
            send_mail(
                subject="A platform webhook endpoint was disabled",
                message=(
                    f"The platform webhook endpoint {endpoint.url} was disabled: "
                    f"{endpoint.disabled_reason}\n\nDeliveries already queued for it wait until "
                    "it is enabled again in the console (Webhooks); events emitted while it is "
                    "disabled are not sent to it. Dead-lettered deliveries can be replayed there."
                ),
                from_email=None,
                recipient_list=staff,
            )
        except Exception:
            log.exception("webhooks: could not email the notice for endpoint %s", endpoint.pk)
        return
    recipients = council_admin_emails()
    if not recipients:
        log.warning("webhooks: endpoint %s disabled; no administrator to tell", endpoint.pk)
        return
    try:
        send_mail(
            subject="A webhook endpoint was disabled",
            message=(
                f"The webhook endpoint {endpoint.url} of council {connection.schema_name} was "
                f"disabled: {endpoint.disabled_reason}\n\nDeliveries already queued for it wait "
                "until it is enabled again in the admin (Settings > Webhooks); events emitted "
                "while it is disabled are not sent to it. Dead-lettered deliveries can be "
                "replayed there."
            ),
            from_email=None,
            recipient_list=recipients,
        )
    except Exception:  # the endpoint stays disabled; the notice is logged instead
        log.exception("webhooks: could not email the notice for endpoint %s", endpoint.pk)
