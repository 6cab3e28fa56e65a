"""Commissioners and their budgets in the council's Wagtail admin (``ModelViewSet`` listings
with filters, forms with panels, and a budget's ledger screen). Every write calls
commissioning.ledgers.actions, as the API does: the same checks, refusals and audit entries.

Scoping is the API's: every list and every object named in a URL goes through
commissioning.ledgers.access, so a commissioner's people see only their own commissioner's
commissioners and budgets; another's is the same 404 as a missing one. Nothing is deleted here
(the API deletes none of these either)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from platform_core.admin_forms import ACTION_ERRORS, ActionFormMixin, NoDeletePolicy, attach_errors
from platform_core.errors import DomainError

from . import access, actions
from .models import Budget, Commissioner, Commitment


class LedgerViewSet(ModelViewSet):
    """No copy, delete, history or usage screens: nothing is deleted (as in the API), the audit
    log is the history, and Wagtail's generic history and usage views read the model unscoped
    (another commissioner's object would show there)."""

    copy_view_enabled = False
    add_to_admin_menu = False

    edit_view_enabled = True

    def get_urlpatterns(self):
        hidden = {"delete", "history", "history_results", "usage"}
        if not self.edit_view_enabled:
            hidden.add("edit")
        return [p for p in super().get_urlpatterns() if p.name not in hidden]

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in ("history_url_name", "usage_url_name", "delete_url_name"):
            view_kwargs[name] = None
        if not self.edit_view_enabled:
            view_kwargs["edit_url_name"] = None
        return view_kwargs


# --- commissioners -----------------------------------------------------------------------------


class CommissionerIndexView(IndexView):
    def get_base_queryset(self):
        return access.visible_commissioners(self.request.user)


class CommissionerCreateView(ActionFormMixin, CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return actions.create_commissioner(
            self.request.user, **{f: data[f] for f in actions.COMMISSIONER_FIELDS if f in data}
        )


class CommissionerEditView(ActionFormMixin, EditView):
    def get_object(self, queryset=None):
        return access.access_commissioner(self.request.user, self.kwargs["pk"])

    def save_instance(self):
        current = access.access_commissioner(self.request.user, self.object.pk)
        data = self.form.cleaned_data
        return actions.update_commissioner(
            self.request.user,
            current,
            **{f: data[f] for f in actions.COMMISSIONER_FIELDS if f in data},
        )


class CommissionerViewSet(LedgerViewSet):
    model = Commissioner
    name = "commissioners"
    url_prefix = "commissioning/commissioners"
    icon = "group"
    menu_label = "Commissioners"
    menu_order = 1
    index_view_class = CommissionerIndexView
    add_view_class = CommissionerCreateView
    edit_view_class = CommissionerEditView
    list_display = ["name", "kind", "area_code", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "description"]
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("description"),
        FieldPanel("area_code"),
        MultiFieldPanel(
            [FieldPanel("care_coordinator"), FieldPanel("payment_arrangement")],
            heading="Personal budget holders",
            help_text="Both are required for a personal budget holder, and only for one.",
        ),
        FieldPanel("active"),
    ]


register_permission_policy(Commissioner, NoDeletePolicy(Commissioner))


# --- budgets -----------------------------------------------------------------------------------


def money(value) -> str:
    return f"£{value:,.2f}"


class BudgetIndexView(IndexView):
    def get_base_queryset(self):
        return access.visible_budgets(self.request.user)

    def get_edit_url(self, instance):
        return reverse("budgets:ledger", args=[instance.pk])


class BudgetForm(forms.ModelForm):
    """A new budget for one of the commissioners the user acts for."""

    def __init__(self, *args, for_user=None, **kwargs):
        kwargs.pop("form_fields", None)
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = access.visible_commissioners(for_user)

    class Meta:
        model = Budget
        fields = ["commissioner", "name", "financial_year", "purpose"]


class BudgetCreateView(ActionFormMixin, CreateView):
    def get_success_buttons(self):
        return []  # no edit screen: the object's own page is where the work goes on

    def get_form_class(self):
        return BudgetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}

    def save_instance(self):
        data = self.form.cleaned_data
        commissioner = access.access_commissioner(self.request.user, data["commissioner"].pk)
        return actions.create_budget(
            self.request.user,
            commissioner,
            name=data["name"],
            financial_year=data["financial_year"],
            purpose=data["purpose"],
        )

    def get_success_url(self):
        return reverse("budgets:ledger", args=[self.object.pk])


class BudgetViewSet(LedgerViewSet):
    model = Budget
    name = "budgets"
    url_prefix = "commissioning/budgets"
    icon = "table"
    menu_label = "Budgets"
    menu_order = 2
    index_view_class = BudgetIndexView
    add_view_class = BudgetCreateView
    list_display = [
        "name",
        Column("commissioner", label="Commissioner", accessor="commissioner.name"),
        "financial_year",
        Column("allocated", label="Allocated", accessor=lambda b: money(b.allocated)),
        Column("committed", label="Committed", accessor=lambda b: money(b.committed)),
        Column("spent", label="Spent", accessor=lambda b: money(b.spent)),
        Column("available", label="Available", accessor=lambda b: money(b.available)),
    ]
    list_filter = ["financial_year"]
    search_fields = ["name", "purpose"]
    panels = [
        FieldPanel("commissioner"),
        FieldRowPanel([FieldPanel("name"), FieldPanel("financial_year")]),
        FieldPanel("purpose"),
    ]

    edit_view_enabled = False  # a budget's row links to its ledger, where money moves

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("<str:pk>/", ledger_view, name="ledger")]


register_permission_policy(Budget, NoDeletePolicy(Budget))


class CommitForm(forms.Form):
    amount = forms.CharField(label="Amount (£)", max_length=30)
    description = forms.CharField(label="What it is for", max_length=300)
    reference = forms.CharField(label="Reference (optional)", max_length=200, required=False)


class AllocateForm(forms.Form):
    amount = forms.CharField(label="Amount (£)", max_length=30)
    memo = forms.CharField(label="Memo (optional)", max_length=300, required=False)


class MovementForm(forms.Form):
    """Spend or release against one of the budget's commitments."""

    action = forms.ChoiceField(
        choices=[("spend", "Spend (pay out)"), ("release", "Release (give back)")],
        widget=forms.RadioSelect,
        label="Movement",
    )
    commitment = forms.ModelChoiceField(Commitment.objects.none(), label="Commitment")
    amount = forms.CharField(
        label="Amount (£)", max_length=30, required=False, help_text="Release: empty for all"
    )
    memo = forms.CharField(label="Memo (optional)", max_length=300, required=False)

    def __init__(self, *args, budget=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitment"].queryset = budget.commitments.all()


def _forms(budget, post=None, which=None):
    return {
        "commit": CommitForm(post if which == "commit" else None, prefix="commit"),
        "allocate": AllocateForm(post if which == "allocate" else None, prefix="allocate"),
        "movement": MovementForm(
            post if which == "movement" else None, prefix="movement", budget=budget
        ),
    }


@require_http_methods(["GET", "POST"])
def ledger_view(request, pk):
    """A budget's balances, commitments and ledger, with the forms that move its money."""
    if not request.user.has_perm("ledgers.view_budget"):
        raise PermissionDenied
    budget = access.access_budget(request.user, pk)
    can_allocate = request.user.has_perm("ledgers.change_budget") and access.sees_all_budgets(
        request.user
    )
    can_commit = request.user.has_perm("ledgers.add_commitment")
    which = request.POST.get("form") if request.method == "POST" else None
    if which not in (None, "commit", "allocate", "movement"):
        which = None
    forms_ = _forms(budget, request.POST if which else None, which)
    status = 200
    if which:
        form = forms_[which]
        allowed = can_allocate if which == "allocate" else can_commit
        if not allowed:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                if which == "commit":
                    actions.commit(
                        request.user,
                        budget,
                        data["amount"],
                        description=data["description"],
                        reference=data["reference"],
                    )
                    done = f"Committed £{data['amount']} for {data['description']}."
                elif which == "allocate":
                    actions.allocate(request.user, budget, data["amount"], memo=data["memo"])
                    done = f"Allocated £{data['amount']}."
                elif data["action"] == "spend":
                    actions.spend(
                        request.user, data["commitment"], data["amount"], memo=data["memo"]
                    )
                    done = f"Spent £{data['amount']} against {data['commitment'].description}."
                else:
                    actions.release(
                        request.user,
                        data["commitment"],
                        data["amount"] or None,
                        memo=data["memo"],
                    )
                    done = f"Released from {data['commitment'].description}."
            except ACTION_ERRORS as error:
                attach_errors(form, error)
                status = 409 if isinstance(error, DomainError) else 400
            else:
                messages.success(request, done)
                return redirect("budgets:ledger", pk=budget.pk)
        else:
            status = 400
    budget.refresh_from_db()
    transactions = access.visible_transactions(request.user).filter(budget=budget).order_by("-id")
    return TemplateResponse(
        request,
        "ledgers/admin/ledger.html",
        {
            "page_title": f"{budget.name} {budget.financial_year}",
            "header_icon": "table",
            "budget": budget,
            "balances": [
                ("Allocated", budget.allocated),
                ("Committed", budget.committed),
                ("Spent", budget.spent),
                ("Available", budget.available),
            ],
            "commitments": budget.commitments.all()[:200],
            "transactions": transactions[:200],
            "forms": forms_,
            "can_allocate": can_allocate,
            "can_commit": can_commit,
            "index_url": reverse("budgets:index"),
        },
        status=status,
    )
