"""Demo billing for ``make run``: each demo council on a plan since three months ago, usage for
those months (one council near its API quota this month, one over its page views last month),
and invoices for the two complete months. Run in the council's schema; safe to run again."""

import hashlib

from . import actions, metering, money
from .models import Metric, Plan

PLANS = {"northshire": "standard", "riverton": "starter", "eastvale": "starter"}


def seed_demo(council) -> None:
    plan = Plan.objects.filter(slug=PLANS.get(council.slug, "starter")).first()
    if plan is None:  # plans come with billing's migrations; nothing to show without them
        return
    this_month = metering.current_period()
    last = money.previous_month(this_month)
    before = money.previous_month(last)
    actions.subscribe(council, plan, started_on=before)
    seed = int(hashlib.sha256(council.slug.encode()).hexdigest()[:6], 16)
    share = {before: 0.45 + (seed % 20) / 100, last: 0.6 + (seed % 15) / 100}
    for period, fraction in share.items():
        actions.record_count(
            council, period, Metric.API_CALLS, int(plan.api_calls_quota * fraction)
        )
        views = int(plan.page_views_quota * (fraction + (0.5 if council.slug == "eastvale" else 0)))
        actions.record_count(council, period, Metric.PAGE_VIEWS, views)
        actions.record_measure(
            council, period, Metric.STORAGE, int(plan.storage_quota * fraction / 3)
        )
        actions.record_measure(
            council, period, Metric.STAFF_USERS, plan.staff_users_quota + (seed % 3)
        )
    # This month so far: measured for real, and API calls near the quota for one council.
    actions.measure_council(council, this_month)
    near = 0.85 if council.slug == "riverton" else 0.3
    actions.record_count(council, this_month, Metric.API_CALLS, int(plan.api_calls_quota * near))
    actions.record_count(council, this_month, Metric.PAGE_VIEWS, int(plan.page_views_quota * 0.2))
    for period in (before, last):
        actions.generate_invoice(council, period)
    from .tasks import _administrators

    actions.check_quotas(council, this_month, _administrators())
