"""Billing's writes: subscriptions, usage, quota warnings, invoices.

Every function here is the one way its rows change; the console (billing/admin.py), the tasks,
the commands and the provisioning steps call them.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from platform_core import features

from . import metering, money
from .models import (
    COUNTED,
    HARD_LIMITS,
    Invoice,
    InvoiceLine,
    Metric,
    Plan,
    QuotaWarning,
    Subscription,
    Usage,
)

log = structlog.get_logger(__name__)
stdlog = logging.getLogger(__name__)

WARNING_THRESHOLDS = (80, 100)
PAYMENT_DAYS = 30


# --- Subscriptions --------------------------------------------------------------------------------


def default_plan() -> Plan:
    plan = Plan.objects.filter(is_default=True, is_active=True).first()
    if plan is None:
        raise ValidationError({"plan": ["No default plan is set: mark one plan as the default."]})
    return plan


def subscribe(council, plan: Plan | None = None, *, started_on: date | None = None) -> Subscription:
    """Put ``council`` on ``plan`` (the default plan when None). A council already subscribed
    keeps its subscription, with the plan and start date given (if given)."""
    plan = plan or default_plan()
    if not plan.is_active:
        raise ValidationError({"plan": [f"The {plan.name} plan is no longer offered."]})
    subscription, created = Subscription.objects.get_or_create(
        council=council,
        defaults={"plan": plan, "started_on": started_on or timezone.localdate()},
    )
    changed = []
    if not created and subscription.plan_id != plan.pk:
        subscription.plan = plan
        changed.append("plan")
        log.info("billing.plan_changed", council=council.slug, plan=plan.slug)
    if not created and started_on is not None and subscription.started_on != started_on:
        subscription.started_on = started_on
        changed.append("started_on")
    if changed:
        subscription.save(update_fields=[*changed, "updated_at"])
    transaction.on_commit(lambda: metering.publish_limits(council))
    if created or "plan" in changed:  # the plan gives the defaults of its optional features
        transaction.on_commit(lambda: features.forget(council.schema_name))
    return subscription


def subscribe_new_council(council) -> None:
    """The RESTORE provisioning step (and any council that may already hold a subscription):
    the council is on the default plan."""
    subscribe(council)


def subscribe_provisioned_council(council) -> None:
    """The COUNCIL provisioning step: a council just created (no subscription can exist yet)
    starts on the default plan. Two statements in the provisioning request (the plan, the
    INSERT) instead of ``subscribe``'s get-or-create; its limits are published after the commit
    from the plan in hand."""
    plan = default_plan()
    Subscription.objects.create(council=council, plan=plan, started_on=timezone.localdate())
    transaction.on_commit(lambda: metering.publish_limits(council, plan=plan))


# --- Usage ----------------------------------------------------------------------------------------


def record_count(council, period: date, metric: str, total: int) -> None:
    """A counted metric's running total for the month (from Redis): the larger one is kept, so
    repeating a flush changes nothing."""
    updated = Usage.objects.filter(council=council, period=period, metric=metric).update(
        quantity=Greatest(F("quantity"), total), latest=Greatest(F("latest"), total)
    )
    if not updated:
        _create_usage(council, period, metric, total, total)


def record_measure(council, period: date, metric: str, value: int) -> None:
    """A measured metric (storage, staff users): the latest value, and the month's peak."""
    updated = Usage.objects.filter(council=council, period=period, metric=metric).update(
        quantity=Greatest(F("quantity"), value), latest=value
    )
    if not updated:
        _create_usage(council, period, metric, value, value)


def add_storage(council, nbytes: int, period: date | None = None) -> None:
    """An accepted upload, until the next storage measurement replaces the estimate."""
    period = period or metering.current_period()
    updated = Usage.objects.filter(council=council, period=period, metric=Metric.STORAGE).update(
        latest=F("latest") + nbytes, quantity=Greatest(F("quantity"), F("latest") + nbytes)
    )
    if not updated:
        _create_usage(council, period, Metric.STORAGE, nbytes, nbytes)


def _create_usage(council, period, metric, quantity, latest) -> None:
    try:
        with transaction.atomic():
            Usage.objects.create(
                council=council, period=period, metric=metric, quantity=quantity, latest=latest
            )
    except IntegrityError:  # created by a concurrent flush: fold into it
        Usage.objects.filter(council=council, period=period, metric=metric).update(
            quantity=Greatest(F("quantity"), quantity), latest=Greatest(F("latest"), latest)
        )


def flush_council(council, periods: list[date]) -> dict[str, int]:
    """Copy the current schema's Redis counters for ``periods`` into Usage (the larger total
    wins), lift a counter that fell behind the database (Redis lost it) and republish the
    council's limits. Returns the totals of the last period (by metric)."""
    flushed = {}
    for period in periods:
        for metric in COUNTED:
            try:
                total = metering.pending(metric, period)
            except Exception:  # noqa: BLE001 - Redis gone mid-flush: the next flush catches up
                stdlog.warning("billing: could not read the %s counter", metric, exc_info=True)
                continue
            if total is not None:
                record_count(council, period, metric, total)
            stored = (
                Usage.objects.filter(council=council, period=period, metric=metric)
                .values_list("quantity", flat=True)
                .first()
            ) or 0
            if stored > (total or 0):
                metering.catch_up(metric, period, stored, total)
            flushed[metric] = max(total or 0, stored)
    metering.publish_limits(council)
    return flushed


def measure_council(council, period: date) -> dict[str, int]:
    """Measure storage (records content and media) and staff users of the current schema."""
    stored = metering.storage_bytes()
    staff = metering.staff_users()
    record_measure(council, period, Metric.STORAGE, stored["records"] + stored["media"])
    record_measure(council, period, Metric.STAFF_USERS, staff)
    return {"storage": stored["records"] + stored["media"], "staff_users": staff, **stored}


# --- Quota warnings -------------------------------------------------------------------------------


def check_quotas(council, period: date, administrators: list[str]) -> list[QuotaWarning]:
    """Email ``administrators`` once per month, metric and threshold (80%, 100%) that the
    council's usage has passed. Returns the warnings sent now."""
    subscription = Subscription.objects.select_related("plan").filter(council=council).first()
    if subscription is None:
        return []
    sent = []
    usage = {
        u.metric: (u.quantity if u.metric in COUNTED else u.latest)
        for u in Usage.objects.filter(council=council, period=period)
    }
    for metric in Metric:
        quota = subscription.plan.quota(metric)
        used = usage.get(metric.value, 0)
        if quota <= 0:
            continue
        reached = [t for t in WARNING_THRESHOLDS if used * 100 >= quota * t]
        if not reached:
            continue
        threshold = max(reached)
        if QuotaWarning.objects.filter(
            council=council, period=period, metric=metric, threshold__gte=threshold
        ).exists():
            continue
        try:
            with transaction.atomic():
                warning = QuotaWarning.objects.create(
                    council=council,
                    period=period,
                    metric=metric,
                    threshold=threshold,
                    quantity=used,
                    quota=quota,
                    recipients=", ".join(administrators),
                )
        except IntegrityError:  # another worker sent it
            continue
        if administrators:
            subject, body = warning_email(council, subscription.plan, warning)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, administrators)
        log.info(
            "billing.quota_warning",
            council=council.slug,
            metric=metric.value,
            threshold=threshold,
            used=used,
            quota=quota,
        )
        sent.append(warning)
    return sent


def warning_email(council, plan: Plan, warning: QuotaWarning) -> tuple[str, str]:
    label = Metric(warning.metric).label
    month = f"{warning.period:%B %Y}"
    used = format_quantity(warning.metric, warning.quantity)
    quota = format_quantity(warning.metric, warning.quota)
    if warning.threshold >= 100:
        subject = f"{council.name}: {label} quota reached for {month}"
        if warning.metric in HARD_LIMITS:
            effect = (
                "Further API calls are refused (HTTP 429) until the quota resets on the 1st."
                if warning.metric == Metric.API_CALLS
                else "New uploads are refused (HTTP 429) until files are removed or the plan "
                "is raised. Nothing already stored is affected."
            )
        else:
            effect = "Nothing is refused; use above the quota is invoiced at the plan's rates."
    else:
        subject = f"{council.name}: {warning.threshold}% of the {label} quota used for {month}"
        effect = "Nothing changes yet. At 100% " + (
            "further API calls are refused until the 1st."
            if warning.metric == Metric.API_CALLS
            else "new uploads are refused."
            if warning.metric == Metric.STORAGE
            else "use above the quota is invoiced at the plan's rates."
        )
    body = (
        f"{council.name} has used {used} of the {quota} {label.lower()} in its {plan.name} "
        f"plan for {month} ({warning.quantity * 100 // max(warning.quota, 1)}%).\n\n{effect}\n\n"
        "To raise the plan, contact the Council Platform team.\n"
    )
    return subject, body


def format_quantity(metric: str, value: int) -> str:
    if metric == Metric.STORAGE:
        for unit, size in (("TB", 1000**4), ("GB", 1000**3), ("MB", 1000**2), ("kB", 1000)):
            if value >= size:
                return f"{value / size:,.1f} {unit}"
        return f"{value:,} bytes"
    return f"{value:,}"


# --- Invoices -------------------------------------------------------------------------------------


def invoice_lines(plan: Plan, period: date, started_on: date, usage: dict[str, int]):
    """The month's lines: the plan's fee (pro-rated by day in the first month), staff users
    over the quota, and page views over the quota by the started thousand."""
    days, month_days = money.subscribed_days(period, started_on)
    lines = []
    if days == month_days:
        lines.append(
            money.Line(f"{plan.name} plan, {period:%B %Y}", Decimal(1), plan.monthly_price)
        )
    elif days:
        lines.append(
            money.Line(
                f"{plan.name} plan, {period:%B %Y}: {days} of {month_days} days (daily rate)",
                Decimal(days),
                plan.monthly_price,
                per=month_days,
            )
        )
    extra_staff = max(0, usage.get(Metric.STAFF_USERS, 0) - plan.staff_users_quota)
    if extra_staff:
        lines.append(
            money.Line(
                f"Staff users over the plan's {plan.staff_users_quota:,} (peak in the month)",
                Decimal(extra_staff),
                plan.extra_staff_user_price,
            )
        )
    thousands = money.overage_thousands(usage.get(Metric.PAGE_VIEWS, 0), plan.page_views_quota)
    if thousands:
        lines.append(
            money.Line(
                f"Page views over the plan's {plan.page_views_quota:,} (per 1,000 started)",
                Decimal(thousands),
                plan.page_views_overage_price,
            )
        )
    return lines


def generate_invoice(council, period: date, *, issued_on: date | None = None) -> Invoice | None:
    """The council's invoice for the month ``period`` (its first day), made once: an invoice
    that exists is returned unchanged. None when the council was not subscribed that month."""
    period = period.replace(day=1)
    existing = Invoice.objects.filter(council=council, period=period).first()
    if existing is not None:
        return existing
    subscription = Subscription.objects.select_related("plan").filter(council=council).first()
    if subscription is None or subscription.started_on > money.month_end(period):
        return None
    plan = subscription.plan
    rows = {u.metric: u.quantity for u in Usage.objects.filter(council=council, period=period)}
    lines = invoice_lines(plan, period, subscription.started_on, rows)
    totals = money.totals(lines)
    issued_on = issued_on or timezone.localdate()
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(
                number=f"CP-{period:%Y%m}-{council.pk:05d}",
                council=council,
                council_name=council.name,
                council_slug=council.slug,
                period=period,
                plan_name=plan.name,
                issued_on=issued_on,
                due_on=issued_on + timedelta(days=PAYMENT_DAYS),
                subtotal=totals.subtotal,
                vat_rate=money.VAT_RATE,
                vat=totals.vat,
                total=totals.total,
                usage={
                    m.value: {"used": rows.get(m.value, 0), "quota": plan.quota(m.value)}
                    for m in Metric
                },
            )
            InvoiceLine.objects.bulk_create(
                InvoiceLine(
                    invoice=invoice,
                    position=i,
                    description=line.description,
                    quantity=line.quantity,
                    unit_price=line.shown_unit_price,
                    amount=line.amount,
                )
                for i, line in enumerate(lines, start=1)
            )
    except IntegrityError:  # made meanwhile by another run: that one stands
        return Invoice.objects.get(council=council, period=period)
    log.info(
        "billing.invoice_issued",
        council=council.slug,
        invoice=invoice.number,
        total=str(totals.total),
    )
    return invoice


def generate_invoices(period: date, councils) -> tuple[list[Invoice], list[Invoice]]:
    """Invoices for ``period`` for each council: (made now, already there)."""
    made, existing = [], []
    for council in councils:
        before = Invoice.objects.filter(council=council, period=period.replace(day=1)).first()
        if before is not None:
            existing.append(before)
            continue
        invoice = generate_invoice(council, period)
        if invoice is not None:
            made.append(invoice)
    return made, existing


def save_plan(plan: Plan) -> Plan:
    """Save a plan (console). Making it the default unsets the previous default."""
    with transaction.atomic():
        if plan.is_default:
            Plan.objects.filter(is_default=True).exclude(pk=plan.pk).update(is_default=False)
        plan.full_clean()
        plan.save()
        councils = [s.council for s in plan.subscriptions.select_related("council")]
    for council in councils:
        metering.publish_limits(council)
        features.forget(council.schema_name)
    return plan
