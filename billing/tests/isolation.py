"""The console's billing pages (platform domain) for the isolation probe. The owner is a
platform superuser; an anonymous visitor and council B's staff cookie must get nothing: council
A's usage, warnings and invoices, and the plans, answer them exactly as a missing object does.
Usage, warnings and invoices are read-only in the console (add, change and delete are refused
for everyone: 403)."""

from datetime import date
from decimal import Decimal

from django_tenants.utils import schema_context

from tests.isolation.probe import MARKER, Form, Seed

PLAN = {
    "monthly_price": "99.00",
    "storage_quota": "1000",
    "api_calls_quota": "1000",
    "staff_users_quota": "3",
    "page_views_quota": "1000",
    "extra_staff_user_price": "1.00",
    "page_views_overage_price": "0.10",
}


def probe_objects(w) -> None:
    from billing import actions
    from billing.models import Metric, Plan, QuotaWarning, Subscription

    with schema_context("public"):
        council = w.council
        fields = {k: Decimal(v) if "price" in k else int(v) for k, v in PLAN.items()}
        w.billing_plan = Plan.objects.create(slug="probe-plan", name=f"{MARKER} plan", **fields)
        w.billing_plan_2 = Plan.objects.create(slug="probe-plan-2", name="Probe plan 2", **fields)
        w.billing_subscription = Subscription.objects.get(council=council)
        period = date(2026, 1, 1)
        actions.record_count(council, period, Metric.API_CALLS, 123)
        w.billing_usage = council.usage.get(period=period, metric=Metric.API_CALLS)
        w.billing_warning = QuotaWarning.objects.create(
            council=council,
            period=period,
            metric=Metric.API_CALLS,
            threshold=80,
            quantity=123,
            quota=150,
            recipients=f"{MARKER}@alphaford.example",
        )
        # An invoice of A's (A was subscribed when the session made it: backdate its start).
        actions.subscribe(council, w.billing_subscription.plan, started_on=date(2025, 12, 1))
        w.billing_invoice = actions.generate_invoice(council, period, issued_on=date(2026, 2, 1))


def _read_only(model: str, obj) -> list[Seed]:
    kwargs = lambda w: {"object_id": obj(w)}  # noqa: E731
    reason = "usage, warnings and invoices are records of what happened: read-only for everyone"
    return [
        Seed(f"admin:{model}_history", kwargs=kwargs, urlconf="public"),
        Seed(f"admin:{model}_change", kwargs=kwargs, urlconf="public"),
        Seed(
            f"admin:{model}_delete",
            kwargs=kwargs,
            urlconf="public",
            body={"POST": {"post": "yes"}},
            control={"GET": 403, "POST": 403},
            reason=reason,
        ),
        Seed(f"admin:{model}_add", urlconf="public", control={"GET": 403}, reason=reason),
        Seed(
            f"admin:{model}_changelist",
            urlconf="public",
            body={"POST": {"action": "", "index": "0"}},
            control_writes=False,
            reason=reason + "; the changelist offers no action, so a POST changes nothing",
        ),
        Seed(
            f"console/{model.replace('_', '/', 1)}/<path:object_id>/",
            kwargs=kwargs,
            urlconf="public",
            methods=("GET",),
            reason="Django admin's redirect to the change page; every method gets the same "
            "redirect, so GET stands for all",
        ),
    ]


def probe_seeds() -> list[Seed]:
    from tenants.tests.isolation import _console

    invoice = lambda w: {"pk": w.billing_invoice.pk}  # noqa: E731
    return [
        *_console("billing_plan", lambda w: w.billing_plan.pk),
        Seed(
            "admin:billing_plan_add",
            urlconf="public",
            body={"POST": Form({**PLAN, "name": "New plan", "slug": "new-plan"})},
        ),
        Seed(
            "admin:billing_plan_changelist",
            urlconf="public",
            body={
                "POST": lambda w: {
                    "action": "delete_selected",
                    "_selected_action": [str(w.billing_plan_2.pk)],
                    "post": "yes",
                }
            },
            reason="the changelist's bulk delete of a plan nobody is subscribed to",
        ),
        *_console("billing_subscription", lambda w: w.billing_subscription.pk, delete=False),
        Seed(
            "admin:billing_subscription_delete",
            kwargs=lambda w: {"object_id": w.billing_subscription.pk},
            urlconf="public",
            body={"POST": {"post": "yes"}},
            control={"GET": 403, "POST": 403},
            reason="a council always has a plan: subscriptions are never deleted",
        ),
        Seed(
            "admin:billing_subscription_add",
            urlconf="public",
            control={"GET": 403},
            reason="subscriptions are made by provisioning, never added in the console",
        ),
        Seed(
            "admin:billing_subscription_changelist",
            urlconf="public",
            body={"POST": {"action": "", "index": "0"}},
            control_writes=False,
            reason="the changelist offers no action (no deletion), so a POST changes nothing",
        ),
        *_read_only("billing_usage", lambda w: w.billing_usage.pk),
        *_read_only("billing_quotawarning", lambda w: w.billing_warning.pk),
        *_read_only("billing_invoice", lambda w: w.billing_invoice.pk),
        Seed("admin:billing_invoice_html", kwargs=invoice, urlconf="public"),
        Seed("admin:billing_invoice_pdf", kwargs=invoice, urlconf="public"),
    ]
