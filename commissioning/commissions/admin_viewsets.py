"""Commissions and members' priorities in the council's Wagtail admin (``ModelViewSet``
listings with filters; a commission's screen runs it from need to outcome; the light path; a
priority's weight with its effect previewed before it is saved). Every step calls
commissioning.commissions.actions, as the API does: the same checks, refusals and audit.

Scoping is the API's: ``access.visible_commissions`` for every list and every commission named
in a URL (another commissioner's is a 404, like a missing one); steps that run a commission need
to act for its commissioner (``access.manages``, 403 otherwise)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.permissions import register_permission_policy

from commissioning.ledgers import access as ledgers
from commissioning.ledgers.admin_viewsets import LedgerViewSet
from platform_core.admin_forms import ACTION_ERRORS, ActionFormMixin, NoDeletePolicy, attach_errors
from platform_core.errors import DomainError
from records import access as records

from . import access, actions, levers
from .models import Commission, Priority


def _organizations():
    from commissioning.providers.models import Organization

    return Organization.objects.order_by("name")


# --- commissions -------------------------------------------------------------------------------


class CommissionIndexView(IndexView):
    def get_base_queryset(self):
        return access.visible_commissions(self.request.user)

    def get_edit_url(self, instance):
        return reverse("commissions:run", args=[instance.pk])


class CommissionForm(forms.Form):
    commissioner = forms.ModelChoiceField(None, label="Commissioner")
    budget = forms.ModelChoiceField(None, label="Budget it is paid from")
    priority = forms.ModelChoiceField(
        Priority.objects.all(), required=False, label="Priority it serves"
    )
    title = forms.CharField(max_length=300)
    need = forms.CharField(widget=forms.Textarea, label="The need it answers")
    estimated_value = forms.CharField(label="Estimated value (£)", max_length=30)
    area_code = forms.CharField(max_length=12, required=False, label="Area (GSS code)")
    category = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, for_user=None, instance=None, **kwargs):
        for name in ("form_fields", "prefix"):
            kwargs.pop(name, None)
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["commissioner"].queryset = ledgers.visible_commissioners(for_user)
        self.fields["budget"].queryset = ledgers.visible_budgets(for_user)

    def save(self, commit=True):  # Wagtail's generic view calls save_instance instead
        return self.instance


class CommissionCreateView(ActionFormMixin, CreateView):
    def get_success_buttons(self):
        return []  # no edit screen: the object's own page is where the work goes on

    def get_form_class(self):
        return CommissionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}

    def save_instance(self):
        data = self.form.cleaned_data
        user = self.request.user
        commissioner = ledgers.access_commissioner(user, data["commissioner"].pk)
        if not ledgers.acts_for(user, commissioner):
            raise PermissionDenied
        return actions.create_commission(
            user,
            commissioner=commissioner,
            budget=ledgers.access_budget(user, data["budget"].pk),
            title=data["title"],
            need=data["need"],
            estimated_value=data["estimated_value"],
            area_code=data["area_code"],
            category=data["category"],
            priority=data["priority"],
        )

    def get_success_url(self):
        return reverse("commissions:run", args=[self.object.pk])


class CommissionViewSet(LedgerViewSet):
    model = Commission
    name = "commissions"
    url_prefix = "commissioning/commissions"
    icon = "tasks"
    menu_label = "Commissions"
    menu_order = 3
    index_view_class = CommissionIndexView
    add_view_class = CommissionCreateView
    list_display = [
        "title",
        Column("commissioner", label="Commissioner", accessor="commissioner.name"),
        "stage",
        "path",
        Column("value", label="Value", accessor=lambda c: f"£{c.estimated_value:,.2f}"),
    ]
    list_filter = ["stage", "path"]
    search_fields = ["title", "need"]
    # Every field of CommissionForm: a field without a panel is rendered bare, without its label.
    panels = [
        FieldPanel(name)
        for name in (
            "title",
            "need",
            "commissioner",
            "budget",
            "priority",
            "estimated_value",
            "area_code",
            "category",
        )
    ]

    edit_view_enabled = False  # a commission's row links to the screen that runs it

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("direct/", direct_view, name="direct"),
            path("<str:pk>/", run_view, name="run"),
        ]


register_permission_policy(Commission, NoDeletePolicy(Commission))
register_permission_policy(Priority, NoDeletePolicy(Priority))


class CriteriaForm(forms.Form):
    criteria = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Criteria, one a line as “name: weight”",
        help_text="Weights are whole percentages adding up to 100, e.g. “Quality: 60”.",
    )

    def clean_criteria(self):
        rows = []
        for n, line in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, weight = line.rpartition(":")
            if not sep or not name.strip():
                raise forms.ValidationError(f"Line {n}: write “name: weight”.")
            rows.append({"name": name.strip(), "weight": weight.strip()})
        return rows


class PublishForm(forms.Form):
    deadline = forms.DateTimeField(
        label="Bids close at",
        help_text="YYYY-MM-DD HH:MM",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class EvaluatorForm(forms.Form):
    username = forms.CharField(label="Evaluator's account (username)", max_length=150)
    moderator = forms.BooleanField(required=False, label="Moderator")


class ScoreForm(forms.Form):
    bid = forms.IntegerField(widget=forms.HiddenInput)
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.IntegerField(label="Score (0–10)")
    comment = forms.CharField(required=False, max_length=1000)


class AwardForm(forms.Form):
    organization = forms.CharField(label="Organisation (a bidder)")
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Reasons")


class ContractForm(forms.Form):
    start_date = forms.DateField(label="Starts", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label="Ends", widget=forms.DateInput(attrs={"type": "date"}))
    kpis = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="KPIs, one a line as “name: target unit”",
    )
    milestones = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Milestones, one a line as “YYYY-MM-DD title”",
    )

    def clean_kpis(self):
        out = []
        for n, line in enumerate(self.cleaned_data["kpis"].splitlines(), start=1):
            if line.strip():
                name, sep, rest = line.partition(":")
                target, _, unit = rest.strip().partition(" ")
                if not sep or not name.strip():
                    raise forms.ValidationError(f"Line {n}: write “name: target unit”.")
                out.append({"name": name.strip(), "target": target, "unit": unit.strip()})
        return out

    def clean_milestones(self):
        out = []
        for line in self.cleaned_data["milestones"].splitlines():
            if line.strip():
                due, _, title = line.strip().partition(" ")
                out.append({"due_date": due, "title": title.strip()})
        return out


class ReturnForm(forms.Form):
    period = forms.CharField(max_length=20, label="Period (e.g. 2026-Q3)")
    amount_invoiced = forms.CharField(required=False, label="Invoiced (£)", max_length=30)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OutcomeForm(forms.Form):
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    rating = forms.IntegerField(label="How far it met the priority (1–5)")


STEP_FORMS = {
    "criteria": CriteriaForm,
    "publish": PublishForm,
    "close": forms.Form,
    "evaluator": EvaluatorForm,
    "score": ScoreForm,
    "award": AwardForm,
    "contract": ContractForm,
    "return": ReturnForm,
    "outcome": OutcomeForm,
}
MANAGER_STEPS = {"criteria", "publish", "close", "evaluator", "award", "contract", "outcome"}


def _run_step(request, commission: Commission, step: str, data: dict) -> str:
    user = request.user
    if step == "criteria":
        actions.set_criteria(user, commission, data["criteria"])
        return "Criteria set."
    if step == "publish":
        deadline = data["deadline"]
        if timezone.is_naive(deadline):
            deadline = timezone.make_aware(deadline)
        actions.publish_opportunity(user, commission, deadline=deadline)
        return "Opportunity published on the council's website and as an OCDS tender."
    if step == "close":
        actions.close_bidding(user, commission)
        return "Bidding closed; the bids are open for evaluation."
    if step == "evaluator":
        evaluator = get_user_model().objects.filter(username=data["username"]).first()
        if evaluator is None:
            raise forms.ValidationError({"username": ["No such account in this council."]})
        actions.add_evaluator(user, commission, evaluator, moderator=data["moderator"])
        return f"{evaluator.username} added as an evaluator."
    if step == "score":
        bid = commission.bids.filter(pk=data["bid"]).first()
        criterion = commission.criteria.filter(pk=data["criterion"]).first()
        if bid is None or criterion is None:
            raise forms.ValidationError({"score": ["No such bid or criterion here."]})
        actions.score_bid(user, bid, criterion, data["score"], data["comment"])
        return "Score saved."
    if step == "award":
        actions.award(user, commission, organization=data["organization"], reasons=data["reasons"])
        return "Awarded: the decision is published and the money committed."
    if step == "contract":
        actions.start_contract(
            user,
            commission,
            start_date=data["start_date"],
            end_date=data["end_date"],
            kpis=data["kpis"],
            milestones=data["milestones"],
        )
        return "Contract started."
    if step == "return":
        actions.submit_return(
            user,
            commission.contract,
            period=data["period"],
            values={
                k.removeprefix("kpi-"): v
                for k, v in request.POST.items()
                if k.startswith("kpi-") and v.strip()
            },
            amount_invoiced=data["amount_invoiced"] or "0",
            notes=data["notes"],
        )
        return "Monitoring return recorded."
    actions.record_outcome(user, commission, outcome=data["outcome"], rating=data["rating"])
    return "Outcome recorded."


@require_http_methods(["GET", "POST"])
def run_view(request, pk):
    """One commission from need to outcome: what it is, where it stands, and the form for its
    next step (for the people who run it), the bids once unsealed and the ranking."""
    if not request.user.has_perm("commissions.view_commission"):
        raise PermissionDenied
    commission = access.access_commission(request.user, pk)
    manages = access.manages(request.user, commission)
    is_evaluator = commission.evaluators.filter(user=request.user).exists()
    step = request.POST.get("step") if request.method == "POST" else None
    errors_form, status = None, 200
    if step is not None:
        if step not in STEP_FORMS:
            return TemplateResponse(
                request, "commissions/admin/bad_step.html", {"step": step}, status=400
            )
        if step in MANAGER_STEPS and not manages:
            raise PermissionDenied
        if step == "score" and not is_evaluator:
            raise PermissionDenied
        form = STEP_FORMS[step](request.POST)
        if form.is_valid():
            try:
                done = _run_step(request, commission, step, form.cleaned_data)
            except (*ACTION_ERRORS, forms.ValidationError) as error:
                attach_errors(form, error)
                status = 409 if isinstance(error, DomainError) else 400
            else:
                messages.success(request, done)
                return redirect("commissions:run", pk=commission.pk)
        else:
            status = 400
        errors_form = (step, form)
        commission = access.access_commission(request.user, pk)
    unsealed = actions.bids_unsealed(commission)
    bids = list(commission.bids.select_related("organization")) if unsealed else []
    criteria = list(commission.criteria.all())
    contract = getattr(commission, "contract", None)
    kpis = list(contract.kpis.all()) if contract else []
    kpi_names = {str(k.pk): k.name for k in kpis}
    returns = [
        {
            "r": r,
            "values": [
                (kpi_names.get(key, f"KPI {key}"), value) for key, value in r.values.items()
            ],
        }
        for r in (contract.returns.all() if contract else [])
    ]
    return TemplateResponse(
        request,
        "commissions/admin/run.html",
        {
            "page_title": commission.title,
            "header_icon": "tasks",
            "c": commission,
            "manages": manages,
            "is_evaluator": is_evaluator,
            "unsealed": unsealed,
            "bids": bids,
            "criteria": criteria,
            "ranking": actions.ranking(commission) if unsealed and criteria else [],
            "contract": contract,
            "kpis": kpis,
            "returns": returns,
            "decision": records.published_decision(commission.decision_id),
            "milestones": list(contract.milestones.all()) if contract else [],
            "errors_step": errors_form[0] if errors_form else None,
            "errors_form": errors_form[1] if errors_form else None,
            "forms": {name: cls() for name, cls in STEP_FORMS.items()},
            "index_url": reverse("commissions:index"),
            "now": timezone.now(),
        },
        status=status,
    )


class DirectForm(forms.Form):
    """The light path: a provider from the directory, an agreed price, a commitment."""

    budget = forms.ModelChoiceField(None, label="Budget")
    organization = forms.ModelChoiceField(None, label="Provider (from the directory)")
    title = forms.CharField(max_length=300, label="What you are buying")
    need = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="The need it meets")
    price = forms.CharField(max_length=30, label="Agreed price (£)")
    months = forms.IntegerField(min_value=1, max_value=60, initial=12, label="For how many months")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget"].queryset = ledgers.visible_budgets(user).filter(
            commissioner__kind__in=["personal_budget_holder", "ward_councillor"]
        )
        self.fields["organization"].queryset = _organizations()


@require_http_methods(["GET", "POST"])
def direct_view(request):
    if not request.user.has_perm("commissions.add_commission"):
        raise PermissionDenied
    form = DirectForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            budget = ledgers.access_budget(request.user, data["budget"].pk)
            try:
                commission = actions.direct_commission(
                    request.user,
                    commissioner=budget.commissioner,
                    budget=budget,
                    organization=data["organization"],
                    title=data["title"],
                    need=data["need"],
                    price=data["price"],
                    months=data["months"],
                )
            except ACTION_ERRORS as error:
                attach_errors(form, error)
                status = 409 if isinstance(error, DomainError) else 400
            else:
                messages.success(
                    request,
                    f"Committed £{commission.award_value:,.2f} from {budget.name}: "
                    f"{commission.title} with {data['organization'].name}.",
                )
                return redirect("commissions:run", pk=commission.pk)
    return TemplateResponse(
        request,
        "commissions/admin/direct.html",
        {"page_title": "Buy directly from a provider", "header_icon": "tasks", "form": form},
        status=status,
    )


# --- priorities --------------------------------------------------------------------------------


class FormFieldPanel(FieldPanel):
    """A panel for a field the view's form declares itself (not a column of the model): it
    asks the model form for nothing, and renders the form's field with its label."""

    def get_form_options(self):
        return {}


class PriorityForm(forms.ModelForm):
    metric_codes = forms.CharField(
        required=False, label="Needs indicators (warehouse metric ids, comma separated)"
    )
    areas = forms.CharField(required=False, label="Areas (GSS codes, comma separated)")
    reasons = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Reasons (published)"
    )

    class Meta:
        model = Priority
        fields = ["title", "outcome", "weight", "set_by", "published"]

    def __init__(self, *args, for_user=None, **kwargs):
        for name in ("form_fields",):
            kwargs.pop(name, None)
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["metric_codes"].initial = ", ".join(self.instance.metric_ids)
            self.fields["areas"].initial = ", ".join(self.instance.area_codes)
        self.fields["set_by"].required = False


def _codes(text: str) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


class PrioritySaveMixin(ActionFormMixin):
    def save_instance(self):
        data = self.form.cleaned_data
        current = Priority.objects.filter(pk=getattr(self.object, "pk", None)).first()
        values = {
            "title": data["title"],
            "outcome": data["outcome"],
            "weight": data["weight"],
            "published": data["published"],
            "metric_ids": _codes(data["metric_codes"]),
            "area_codes": _codes(data["areas"]),
        }
        if data.get("set_by"):
            values["set_by"] = data["set_by"]
        return actions.save_priority(
            self.request.user, current, reasons=data.get("reasons", ""), **values
        )


class PriorityCreateView(PrioritySaveMixin, CreateView):
    def get_form_class(self):
        return PriorityForm


class PriorityEditView(PrioritySaveMixin, EditView):
    def get_form_class(self):
        return PriorityForm


class PriorityViewSet(LedgerViewSet):
    model = Priority
    name = "priorities"
    url_prefix = "commissioning/priorities"
    icon = "pick"
    menu_label = "Priorities"
    menu_order = 4
    add_view_class = PriorityCreateView
    edit_view_class = PriorityEditView
    list_display = ["title", "weight", "set_by", "updated_at"]
    list_filter = ["weight", "published"]
    search_fields = ["title", "outcome"]
    # Every field of PriorityForm: a field without a panel is rendered bare, without its label.
    panels = [
        *(FieldPanel(name) for name in ("title", "outcome", "weight", "set_by")),
        *(FormFieldPanel(name) for name in ("metric_codes", "areas", "reasons")),
        FieldPanel("published"),
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<str:pk>/lever/", lever_view, name="lever"),
        ]


class LeverForm(forms.Form):
    weight = forms.IntegerField(label="New weight (1–5)")
    reasons = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Reasons (published)"
    )


@require_http_methods(["GET", "POST"])
def lever_view(request, pk):
    """Move a priority's weight: "Preview" shows how the needs and the pipeline of commissions
    re-rank, saving nothing; "Save" saves it (audited, a published decision)."""
    if not request.user.has_perm("commissions.view_priority"):
        raise PermissionDenied
    priority = Priority.objects.filter(pk=int(pk) if str(pk).isdigit() else None).first()
    if priority is None:
        from django.http import Http404

        raise Http404("No such priority")
    form = LeverForm(request.POST or None, initial={"weight": priority.weight})
    result, status = None, 200
    if request.method == "POST":
        save = request.POST.get("do") == "save"
        if save and not request.user.has_perm("commissions.change_priority"):
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                if save:
                    actions.save_priority(
                        request.user,
                        priority,
                        reasons=form.cleaned_data["reasons"],
                        weight=form.cleaned_data["weight"],
                    )
                    messages.success(
                        request, f"{priority.title} is now weight {form.cleaned_data['weight']}."
                    )
                    return redirect("priorities:lever", pk=priority.pk)
                result = levers.preview(priority=priority, weight=form.cleaned_data["weight"])
                status = 200
            except ACTION_ERRORS as error:
                attach_errors(form, error)
    return TemplateResponse(
        request,
        "commissions/admin/lever.html",
        {
            "page_title": f"Priority: {priority.title}",
            "header_icon": "pick",
            "priority": priority,
            "form": form,
            "result": result,
            "needs_now": levers.needs_ranking()[:10] if result is None else [],
        },
        status=status,
    )
