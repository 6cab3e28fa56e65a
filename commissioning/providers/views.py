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

from platform_core import govuk
from platform_core.errors import Refused

from . import actions
from .models import ProviderAccount, Service, ServiceChange

SIGN_IN = reverse_lazy("provider:sign-in")


class ServiceForm(govuk.GovukErrors, forms.ModelForm):
    nouns = {
        "name": "The service's name",
        "description": "A description of the service",
        "url": "The service's website",
        "email": "The service's email address",
        "status": "The service's status",
        "fees": "The service's fees",
        "minimum_age": "The minimum age",
        "maximum_age": "The maximum age",
    }

    class Meta:
        model = Service
        fields = list(actions.PROVIDER_FIELDS)
        widgets = {
            "description": forms.Textarea,
            "fees": forms.Textarea,
            "status": forms.RadioSelect,
        }


class RowForm(forms.Form):
    """One row of a list the provider keeps (a phone, a cost option, opening hours). Its errors
    name the field and the row, GOV.UK style: "Enter a phone number for phone 2"."""

    label = ""
    id = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, row: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.row = row
        self.title = f"{self.label.capitalize()} {row}"
        for name, field in self.fields.items():
            what = getattr(field, "what", name.replace("_", " "))
            field.error_messages = {
                **field.error_messages,
                "required": f"Enter {what} for {self.label} {row}",
                "invalid": f"Enter {what} for {self.label} {row} {getattr(field, 'like', '')}".strip(),
                "max_length": f"The {what} of {self.label} {row} must be "
                f"{getattr(field, 'max_length', 0)} characters or fewer",
                "invalid_choice": f"Select {what} from the list for {self.label} {row}",  # noqa: S608
                "max_digits": f"The {what} for {self.label} {row} must be less than 100000000",
                "max_decimal_places": f"The {what} for {self.label} {row} can have at most 2 "
                "digits after the decimal point",
                "max_whole_digits": f"The {what} for {self.label} {row} must be less than "
                "100000000",
                "min_value": f"The {what} for {self.label} {row} must be 0 or more",
            }

    @property
    def is_existing(self) -> bool:
        return bool(self.initial.get("id"))


def _field(field, what, like=""):
    field.what, field.like = what, like
    return field


DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"]
TIME_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]


class PhoneForm(RowForm):
    label = "phone"
    number = _field(forms.CharField(label="Number", max_length=30), "a phone number")
    description = _field(
        forms.CharField(label="Description", max_length=200, required=False), "description"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].help_text = "For example, Bookings or Out of hours"


class CostOptionForm(RowForm):
    label = "cost option"
    option = _field(
        forms.CharField(
            label="Option", max_length=200, required=False, help_text="For example, Per session"
        ),
        "option",
    )
    amount = _field(
        forms.DecimalField(
            label="Amount (£)",
            max_digits=10,
            decimal_places=2,
            min_value=0,
            required=False,
            localize=False,
        ),
        "the amount",
        "as a number, like 12.50",
    )
    amount_description = _field(
        forms.CharField(
            label="Amount description",
            max_length=200,
            required=False,
            help_text="For example, Free for carers",
        ),
        "amount description",
    )
    valid_from = _field(
        forms.DateField(
            label="Valid from",
            required=False,
            input_formats=DATE_FORMATS,
            help_text="For example, 1/4/2027",
        ),
        "the date it is valid from",
        "as a real date, like 1/4/2027",
    )
    valid_to = _field(
        forms.DateField(
            label="Valid to",
            required=False,
            input_formats=DATE_FORMATS,
            help_text="For example, 31/3/2028",
        ),
        "the date it is valid to",
        "as a real date, like 31/3/2028",
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error(
                "valid_to",
                f"The date cost option {self.row} is valid to must be the same as or after "
                "the date it is valid from",
            )
        if (
            not self.errors
            and not data.get("option")
            and data.get("amount") is None
            and not data.get("amount_description")
        ):
            self.add_error("option", f"Enter an option or an amount for cost option {self.row}")
        return data


DAY_CHOICES = list(actions.DAY_NAMES.items())


class ScheduleForm(RowForm):
    label = "opening hours"
    service_at_location = _field(
        forms.ChoiceField(label="Where", required=False), "where they apply"
    )
    byday = _field(
        forms.MultipleChoiceField(
            label="Days", choices=DAY_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
        ),
        "the days",
    )
    opens_at = _field(
        forms.TimeField(
            label="Opens at",
            required=False,
            input_formats=TIME_FORMATS,
            help_text="Use the 24-hour clock, like 09:00",
        ),
        "the opening time",
        "as a time on the 24-hour clock, like 09:00",
    )
    closes_at = _field(
        forms.TimeField(
            label="Closes at",
            required=False,
            input_formats=TIME_FORMATS,
            help_text="Use the 24-hour clock, like 17:30",
        ),
        "the closing time",
        "as a time on the 24-hour clock, like 17:30",
    )
    description = _field(
        forms.CharField(
            label="Description",
            max_length=2000,
            required=False,
            help_text="For example, Closed on bank holidays",
        ),
        "description",
    )

    def __init__(self, *args, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_at_location"].choices = [
            ("", "All the service's locations"),
            *locations,
        ]

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if "opens_at" in data and "closes_at" in data:
            if opens is None and closes is not None:
                self.add_error("opens_at", f"Enter the opening time for opening hours {self.row}")
            elif closes is None and opens is not None:
                self.add_error("closes_at", f"Enter the closing time for opening hours {self.row}")
            elif opens is not None and closes is not None and opens >= closes:
                self.add_error(
                    "closes_at",
                    f"The closing time of opening hours {self.row} must be after its opening "
                    f"time ({opens:%H:%M})",
                )
        if not self.errors and not data.get("byday") and not data.get("description"):
            self.add_error(
                "byday", f"Select the days or enter a description for opening hours {self.row}"
            )
        return data


class RowFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "row": index + 1}


def _formset(form):
    return forms.formset_factory(
        form,
        formset=RowFormSet,
        extra=1,
        can_delete=True,
        max_num=actions.MAX_ROWS,
        absolute_max=actions.MAX_ROWS,
        validate_max=True,
    )


LISTS = {
    "phones": (_formset(PhoneForm), actions.LIST_TITLES["phones"], "phone"),
    "cost_options": (_formset(CostOptionForm), actions.LIST_TITLES["cost_options"], "cost option"),
    "schedules": (_formset(ScheduleForm), actions.LIST_TITLES["schedules"], "opening hours"),
}


def _initial(row: dict, kind: str) -> dict:
    """A stored row as its form's initial values."""
    if kind == "schedules":
        return {
            **row,
            "service_at_location": row["service_at_location"] or "",
            "byday": [d for d in (row["byday"] or "").split(",") if d],
        }
    return row


def _list_formsets(service: Service, data=None) -> dict:
    """The service's phones, cost options and opening hours as formsets (bound to ``data`` when
    it carries that list's management form; a POST without one leaves that list alone)."""
    sals = service.service_at_locations.select_related("location").order_by("location__name", "id")
    locations = [(str(sal.id), sal.location.name or str(sal.location_id)) for sal in sals]
    formsets = {}
    for kind, (formset_class, _title, _noun) in LISTS.items():
        kwargs = {"locations": locations} if kind == "schedules" else {}
        initial = [_initial(row, kind) for row in actions.service_rows(service, kind)]
        bound = data is not None and f"{kind}-TOTAL_FORMS" in data
        formsets[kind] = formset_class(
            data if bound else None, initial=initial, prefix=kind, form_kwargs=kwargs
        )
        formsets[kind].submitted = bound
    return formsets


def _rows(formset, kind: str) -> list[dict]:
    """A valid formset's rows as ``submit_service_change`` takes them: removed and blank new
    rows left out."""
    rows = []
    for form in formset.forms:
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if not form.has_changed() and not form.is_existing:
            continue
        data = dict(form.cleaned_data)
        data.pop("DELETE", None)
        if form.is_existing:
            data["id"] = form.initial["id"]  # the row shown, whatever the post says
        else:
            data["id"] = data.get("id") or None
        rows.append(data)
    return rows


def _error_list(form, formsets, extra: list[str]) -> list[tuple[str, str]]:
    """The error summary: each message with the field it links to."""
    errors = [(f"#{field.auto_id}", field.errors[0]) for field in form if field.errors]
    errors += [("", e) for e in form.non_field_errors()]
    for formset in formsets.values():
        if not formset.submitted:
            continue
        errors += [("", e) for e in formset.non_form_errors()]
        for row in formset.forms:
            if formset._should_delete_form(row):
                continue
            for field in row:
                if field.errors:
                    anchor = field.auto_id
                    if field.name == "byday":
                        anchor = f"{field.auto_id}_0"
                    errors.append((f"#{anchor}", field.errors[0]))
    errors += [("", e) for e in extra]
    return errors


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
    """The service's fields and its phones, cost options and opening hours, on one page. *Add
    another* buttons post the page back with one more blank row (nothing is saved); rows are
    removed with their *Remove* box."""
    account, service = _own_service(request, pk)
    post = request.POST if request.method == "POST" else None
    adding = post is not None and post.get("add") in LISTS
    if adding:
        data = post.copy()
        key = f"{post['add']}-TOTAL_FORMS"
        if key in data and data[key].isdigit():
            data[key] = str(min(int(data[key]) + 1, actions.MAX_ROWS))
        post = data
    form = ServiceForm(post, instance=Service.objects.get(pk=service.pk))
    formsets = _list_formsets(service, post)
    extra_errors: list[str] = []
    status = 200
    if request.method == "POST" and not adding:
        valid = form.is_valid()
        valid = all([f.is_valid() for f in formsets.values() if f.submitted]) and valid
        if valid:
            data = dict(form.cleaned_data)
            for kind, formset in formsets.items():
                if formset.submitted:
                    data[kind] = _rows(formset, kind)
            try:
                change = actions.submit_service_change(request.user, service, data)
            except (ValidationError, Refused) as error:
                extra_errors = list(getattr(error, "messages", None) or [error.message])
            else:
                if change is None:
                    message = "Nothing changed. We have marked the entry as reviewed today."
                elif change.status == ServiceChange.Status.PENDING:
                    message = (
                        "Thank you. The council will check your changes before they are published."
                    )
                else:
                    message = "Your changes are published."
                messages.success(request, message)
                return redirect("provider:home")
    errors = [] if adding else _error_list(form, formsets, extra_errors)
    if adding:
        # nothing was checked: show the page as posted, with no errors and one more row
        form = ServiceForm(initial=request.POST.dict(), instance=Service.objects.get(pk=service.pk))
    return render(
        request,
        "providers/account/edit_service.html",
        {
            "account": account,
            "service": service,
            "form": form,
            "errors": errors,
            "show_row_errors": not adding,
            "lists": [
                {"kind": kind, "title": title, "noun": noun, "formset": formsets[kind]}
                for kind, (_cls, title, noun) in LISTS.items()
            ],
        },
        status=status,
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
