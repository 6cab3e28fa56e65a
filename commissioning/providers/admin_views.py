"""Staff screens for provider accounts and the changes providers send for approval (Wagtail
admin, under the Directory menu)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from platform_core.errors import Refused

from . import actions
from .models import Organization, ProviderAccount, ServiceChange


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


class AccountForm(forms.Form):
    email = forms.EmailField(label="Email address")
    name = forms.CharField(label="Full name", required=False, max_length=150)
    organization = forms.ModelChoiceField(
        Organization.objects.all(), label="Organisation", empty_label=None
    )


def accounts(request):
    _require(request, "providers.view_provideraccount")
    return TemplateResponse(
        request,
        "providers/admin/accounts.html",
        {
            "accounts": ProviderAccount.objects.select_related("user", "organization"),
            "page_title": "Provider accounts",
        },
    )


@require_http_methods(["GET", "POST"])
def add_account(request):
    _require(request, "providers.add_provideraccount")
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = actions.create_provider_account(
                request.user,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                organization=form.cleaned_data["organization"],
            )
        except Refused as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request, f"Account created; {account.user.email} has been emailed a link."
            )
            return redirect("providers_admin:accounts")
    return TemplateResponse(
        request,
        "providers/admin/account_form.html",
        {"form": form, "page_title": "Add a provider account"},
    )


def changes(request):
    _require(request, "providers.change_service")
    return TemplateResponse(
        request,
        "providers/admin/changes.html",
        {
            "pending": ServiceChange.objects.filter(status=ServiceChange.Status.PENDING)
            .select_related("service__organization", "submitted_by")
            .order_by("submitted_at"),
            "page_title": "Changes from providers",
        },
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    note = forms.CharField(required=False, widget=forms.Textarea)


@require_http_methods(["GET", "POST"])
def change(request, pk):
    _require(request, "providers.change_service")
    item = get_object_or_404(
        ServiceChange.objects.select_related("service__organization", "submitted_by"), pk=pk
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.decide_change(
                request.user,
                item,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Change to {item.service.name} decided.")
            return redirect("providers_admin:changes")
    rows = [{"field": f, "before": item.previous.get(f), "after": v} for f, v in item.data.items()]
    return TemplateResponse(
        request,
        "providers/admin/change.html",
        {"item": item, "rows": rows, "form": form, "page_title": f"Change to {item.service.name}"},
    )
