"""Provider accounts on the council's own domain (``/provider/``): a provider's people sign in
and keep their own organisation's directory entries current. Another organisation's service
is a 404, exactly as a service that does not exist."""

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST

from . import actions
from .models import ProviderAccount, Service, ServiceChange

SIGN_IN = reverse_lazy("provider:sign-in")


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = list(actions.PROVIDER_FIELDS)
        widgets = {
            "description": forms.Textarea,
            "fees": forms.Textarea,
            "status": forms.RadioSelect,
        }


def _account(request) -> ProviderAccount:
    """The signed-in person's provider account; anyone else (staff included) sees a 404."""
    account = (
        ProviderAccount.objects.select_related("organization").filter(user=request.user).first()
    )
    if account is None:
        raise Http404("No provider account.")
    return account


def _own_service(request, pk) -> tuple[ProviderAccount, Service]:
    account = _account(request)
    service = get_object_or_404(Service, pk=pk, organization=account.organization)
    return account, service


class SignInView(auth_views.LoginView):
    template_name = "providers/account/sign_in.html"
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return "/provider/"


@require_http_methods(["GET", "POST"])
def set_password(request, token):
    """The link a new provider account is emailed: ``<user id>.<one-time token>``. A link that
    is wrong, used or expired is a 404, like one that never existed."""
    user = actions.user_for_set_password_token(token)
    if user is None:
        raise Http404("No such link.")
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.set_provider_password(form)
        messages.success(request, "Your password is set. You can now sign in.")
        return redirect("provider:sign-in")
    return render(request, "providers/account/set_password.html", {"form": form})


@login_required(login_url=SIGN_IN)
def home(request):
    account = _account(request)
    services = (
        Service.objects.filter(organization=account.organization)
        .prefetch_related("changes")
        .order_by("name")
    )
    due = set(
        actions.services_due_for_review()
        .filter(organization=account.organization)
        .values_list("id", flat=True)
    )
    pending = set(
        ServiceChange.objects.filter(
            service__organization=account.organization, status=ServiceChange.Status.PENDING
        ).values_list("service_id", flat=True)
    )
    rows = [{"service": s, "due": s.id in due, "pending": s.id in pending} for s in services]
    return render(
        request,
        "providers/account/home.html",
        {"account": account, "rows": rows, "due_count": len(due)},
    )


@login_required(login_url=SIGN_IN)
@require_http_methods(["GET", "POST"])
def edit_service(request, pk):
    account, service = _own_service(request, pk)
    form = ServiceForm(request.POST or None, instance=Service.objects.get(pk=service.pk))
    if request.method == "POST" and form.is_valid():
        change = actions.submit_service_change(request.user, service, form.cleaned_data)
        if change is None:
            message = "Nothing changed. We have marked the entry as reviewed today."
        elif change.status == ServiceChange.Status.PENDING:
            message = "Thank you. The council will check your changes before they are published."
        else:
            message = "Your changes are published."
        messages.success(request, message)
        return redirect("provider:home")
    return render(
        request,
        "providers/account/edit_service.html",
        {"account": account, "service": service, "form": form},
    )


@login_required(login_url=SIGN_IN)
@require_POST
def mark_reviewed(request, pk):
    _account_obj, service = _own_service(request, pk)
    actions.mark_reviewed(request.user, service)
    messages.success(request, f"{service.name} is marked as reviewed today.")
    return redirect("provider:home")
