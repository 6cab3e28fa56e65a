"""Provider accounts on the council's own domain (``/provider/``): a provider's people sign in
and keep their own organisation's directory entries current. Another organisation's service
is a 404, exactly as a service that does not exist."""

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST

from platform_core.errors import Refused

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


# --- opportunities and sealed bids ------------------------------------------------------------


class BidForm(forms.Form):
    price = forms.CharField(label="Your price (£)", max_length=30)
    proposal = forms.CharField(
        label="What you offer",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Sealed: nobody at the council can read it until bidding closes.",
    )


def _opportunity(commission_id):
    """An open opportunity by id: anything else (closed, unpublished, another council's) is the
    same 404 as one that does not exist."""
    from commissioning.commissions import access as commissions

    try:
        return commissions.public_opportunities().get(pk=int(commission_id))
    except (ValueError, TypeError, commissions.Commission.DoesNotExist):
        raise Http404("No such opportunity.") from None


@login_required(login_url=SIGN_IN)
def opportunities(request):
    from commissioning.commissions import access as commissions

    account = _account(request)
    return render(
        request,
        "providers/account/opportunities.html",
        {
            "account": account,
            "opportunities": commissions.public_opportunities(),
            "bids": commissions.bids_of_organization(account.organization),
        },
    )


@login_required(login_url=SIGN_IN)
@require_http_methods(["GET", "POST"])
def bid(request, pk):
    """A sealed bid for the provider's own organisation (commissions.actions.submit_bid: the
    deadline, one bid per organisation). A provider account acts for its organisation, so the
    account is linked as its representative (audited) before it bids."""
    from commissioning.commissions import actions as commissions

    account = _account(request)
    opportunity = _opportunity(pk)
    form = BidForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                commissions.link_representative(request.user, request.user, account.organization)
                commissions.submit_bid(
                    request.user,
                    opportunity,
                    organization=account.organization,
                    price=form.cleaned_data["price"],
                    proposal=form.cleaned_data["proposal"],
                )
            except (ValidationError, Refused) as error:
                status = 409 if isinstance(error, Refused) else 400
                if isinstance(error, Refused):
                    form.add_error(None, error.message)
                else:
                    for name, msgs in error.message_dict.items():
                        form.add_error(name if name in form.fields else None, msgs)
            else:
                messages.success(
                    request,
                    f"Your bid for “{opportunity.title}” is in. It stays sealed until "
                    "bidding closes.",
                )
                return redirect("provider:opportunities")
    return render(
        request,
        "providers/account/bid.html",
        {"account": account, "opportunity": opportunity, "form": form},
        status=status,
    )
