"""The console's billing pages (Django admin on the public schema, like tenants/admin.py):
plans, subscriptions, usage per council, quota warnings and invoices with HTML and PDF
downloads. Changes go through billing.actions; usage, warnings and invoices are read-only."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header

from . import actions, invoices
from .models import Invoice, InvoiceLine, Metric, Plan, QuotaWarning, Subscription, Usage


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "monthly_price",
        "storage_quota",
        "api_calls_quota",
        "staff_users_quota",
        "page_views_quota",
        "is_default",
        "is_active",
        "councils",
    ]
    list_filter = ["is_active", "is_default"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description="councils")
    def councils(self, plan):
        return plan.subscriptions.count()

    def save_model(self, request, obj, form, change):
        actions.save_plan(obj)

    def has_delete_permission(self, request, obj=None):
        # A plan with subscribers is never deleted (it is retired: untick "is active").
        if obj is not None and obj.subscriptions.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["council", "plan", "started_on", "usage_link", "invoices_link"]
    list_filter = ["plan"]
    search_fields = ["council__name", "council__slug"]
    fields = ["council", "plan", "started_on"]
    readonly_fields = ["council", "started_on"]
    list_select_related = ["council", "plan"]

    def has_add_permission(self, request):
        return False  # every council is subscribed when it is provisioned

    def has_delete_permission(self, request, obj=None):
        return False  # a council always has a plan; change it instead

    def save_model(self, request, obj, form, change):
        try:
            actions.subscribe(obj.council, obj.plan)
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)

    @admin.display(description="usage")
    def usage_link(self, subscription):
        url = reverse("admin:billing_usage_changelist")
        return format_html(
            '<a href="{}?council__id__exact={}">Usage</a>', url, subscription.council_id
        )

    @admin.display(description="invoices")
    def invoices_link(self, subscription):
        url = reverse("admin:billing_invoice_changelist")
        return format_html(
            '<a href="{}?council__id__exact={}">Invoices</a>', url, subscription.council_id
        )


@admin.register(Usage)
class UsageAdmin(ReadOnly):
    list_display = ["council", "period", "metric", "used", "quota", "percent_of_quota"]
    list_filter = ["metric", "period", "council"]
    search_fields = ["council__name", "council__slug"]
    list_select_related = ["council__subscription__plan"]
    date_hierarchy = "period"

    def _quota(self, usage):
        subscription = getattr(usage.council, "subscription", None)
        return subscription.plan.quota(usage.metric) if subscription else None

    def _used(self, usage):
        return (
            usage.latest if usage.metric in (Metric.STORAGE, Metric.STAFF_USERS) else usage.quantity
        )

    @admin.display(description="used")
    def used(self, usage):
        return actions.format_quantity(usage.metric, self._used(usage))

    @admin.display(description="plan quota")
    def quota(self, usage):
        quota = self._quota(usage)
        return "—" if quota is None else actions.format_quantity(usage.metric, quota)

    @admin.display(description="% of quota")
    def percent_of_quota(self, usage):
        quota = self._quota(usage)
        return "—" if not quota else f"{self._used(usage) * 100 / quota:.1f}%"


@admin.register(QuotaWarning)
class QuotaWarningAdmin(ReadOnly):
    list_display = ["council", "period", "metric", "threshold", "quantity", "quota", "sent_at"]
    list_filter = ["metric", "threshold", "period"]
    search_fields = ["council__name"]


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    fields = ["position", "description", "quantity", "unit_price", "amount"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnly):
    list_display = [
        "number",
        "council_name",
        "period",
        "plan_name",
        "subtotal",
        "vat",
        "total",
        "downloads",
    ]
    list_filter = ["period", "council"]
    search_fields = ["number", "council_name", "council_slug"]
    inlines = [InvoiceLineInline]
    exclude = ["usage"]
    readonly_fields = ["downloads"]

    @admin.display(description="download")
    def downloads(self, invoice):
        return format_html(
            '<a href="{}">HTML</a> · <a href="{}">PDF</a>',
            reverse("admin:billing_invoice_html", args=[invoice.pk]),
            reverse("admin:billing_invoice_pdf", args=[invoice.pk]),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/html/", view(self.invoice_html), name="billing_invoice_html"),
            path("<int:pk>/pdf/", view(self.invoice_pdf), name="billing_invoice_pdf"),
            *super().get_urls(),
        ]

    def _invoice(self, request, pk) -> Invoice:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Invoice, pk=pk)

    def invoice_html(self, request, pk):
        invoice = self._invoice(request, pk)
        response = HttpResponse(invoices.render_html(invoice), content_type="text/html")
        response["Content-Disposition"] = content_disposition_header(
            False, f"invoice-{invoice.number}.html"
        )
        return response

    def invoice_pdf(self, request, pk):
        invoice = self._invoice(request, pk)
        response = HttpResponse(invoices.render_pdf(invoice), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            True, f"invoice-{invoice.number}.pdf"
        )
        return response
