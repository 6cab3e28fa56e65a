"""Billing's reads for other parts of the platform (the console's council pages).

Every function takes the council and answers about that council only.
"""

from __future__ import annotations

from datetime import date

from django.urls import NoReverseMatch, reverse

from . import metering
from .models import COUNTED, Invoice, Metric, Subscription, Usage


def subscription_for(council) -> Subscription | None:
    return Subscription.objects.select_related("plan").filter(council=council).first()


def feature_defaults(schema_name: str) -> dict[str, tuple[bool, str]]:
    """The council's plan's defaults of optional features (platform_core.features): only the
    features the plan names, each with the plan's name as where the default comes from."""
    subscription = (
        Subscription.objects.select_related("plan").filter(council__schema_name=schema_name).first()
    )
    if subscription is None:
        return {}
    plan = subscription.plan
    return {key: (bool(on), f"{plan.name} plan") for key, on in (plan.features or {}).items()}


def usage_for(council, period: date | None = None) -> list[dict]:
    """This month's (or ``period``'s) use of each metric against the plan's quota:
    ``[{"metric", "label", "used", "quota", "percent"}]`` (quota and percent None without a
    plan)."""
    period = (period or metering.current_period()).replace(day=1)
    subscription = subscription_for(council)
    rows = {u.metric: u for u in Usage.objects.filter(council=council, period=period)}
    result = []
    for metric in Metric:
        row = rows.get(metric.value)
        used = 0 if row is None else (row.quantity if metric in COUNTED else row.latest)
        quota = subscription.plan.quota(metric) if subscription else None
        result.append(
            {
                "metric": metric.value,
                "label": metric.label,
                "used": used,
                "quota": quota,
                "percent": round(used * 100 / quota, 1) if quota else None,
            }
        )
    return result


def invoices_for(council):
    """The council's invoices, newest first."""
    return Invoice.objects.filter(council=council).order_by("-period")


def console_links(council) -> dict[str, str]:
    """Console (Django admin) pages about the council's billing, for linking to."""
    links = {}
    try:
        links["usage"] = (
            reverse("admin:billing_usage_changelist") + f"?council__id__exact={council.pk}"
        )
        links["invoices"] = (
            reverse("admin:billing_invoice_changelist") + f"?council__id__exact={council.pk}"
        )
        subscription = subscription_for(council)
        if subscription is not None:
            links["subscription"] = reverse(
                "admin:billing_subscription_change", args=[subscription.pk]
            )
    except NoReverseMatch:  # not on the console's URLconf
        return {}
    return links
