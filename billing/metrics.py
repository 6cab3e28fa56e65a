"""Billing's Prometheus metrics (served at /metrics by platform_core/metrics.py).

Computed at scrape time from the database (two aggregate queries, public schema):

- ``billing_councils{plan}``: councils subscribed to each plan;
- ``billing_usage{plan, metric}``: this month's usage summed over each plan's councils;
- ``billing_quota_used_ratio{council, metric}``: each council's use of its quotas. The council
  label is allowed here: one series per council and metric (four metrics, a few hundred
  councils), unlike request metrics, where it would multiply every view and status.

``billing_meter_dropped_total{metric}`` counts uses that could not be counted because Redis was
unreachable (metering fails open).
"""

from __future__ import annotations

from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily

METER_DROPPED = Counter(
    "billing_meter_dropped",
    "Uses not counted because the shared cache (Redis) was unreachable (metering fails open).",
    ["metric"],
)


class BillingCollector:
    def describe(self):
        return []

    def collect(self):
        from django.db.models import Count
        from django_tenants.utils import schema_context

        from . import metering
        from .models import COUNTED, Subscription, Usage

        councils = GaugeMetricFamily(
            "billing_councils", "Councils subscribed to each plan.", labels=["plan"]
        )
        usage = GaugeMetricFamily(
            "billing_usage",
            "This month's usage summed over each plan's councils (storage in bytes).",
            labels=["plan", "metric"],
        )
        ratio = GaugeMetricFamily(
            "billing_quota_used_ratio",
            "Each council's use of its plan's quotas this month (1 = the whole quota).",
            labels=["council", "metric"],
        )
        period = metering.current_period()
        with schema_context("public"):
            for row in Subscription.objects.values("plan__slug").annotate(n=Count("id")):
                councils.add_metric([row["plan__slug"]], row["n"])
            subscriptions = {
                s.council_id: s for s in Subscription.objects.select_related("plan", "council")
            }
            totals: dict[tuple[str, str], int] = {}
            for u in Usage.objects.filter(period=period, council_id__in=subscriptions):
                subscription = subscriptions[u.council_id]
                value = u.quantity if u.metric in COUNTED else u.latest
                key = (subscription.plan.slug, u.metric)
                totals[key] = totals.get(key, 0) + value
                quota = subscription.plan.quota(u.metric)
                if quota:
                    ratio.add_metric([subscription.council.slug, u.metric], value / quota)
            for (plan, metric), value in sorted(totals.items()):
                usage.add_metric([plan, metric], value)
        yield councils
        yield usage
        yield ratio


def register() -> None:
    from platform_core import metrics

    metrics.register_collector("billing", BillingCollector())
