"""Participatory budgets in the council's Wagtail admin, for ward budget officers: the
processes (a ``ModelViewSet`` listing, forms with panels), one process's screen that runs it
(the proposals and their feasibility checks, opening and closing the vote, paper ballots, the
count, results, publishing and committing the winners to the ward's ledger), a proposal's check
and the paper ballot form. Every write calls commissioning.participation.actions, as the API
does: the same rules (a paper ballot is checked exactly as an online vote), refusals and audit.

A refusal is shown on the field it is about (outside the ward: the postcode; over the budget or
too many choices: the projects; a second vote: the name), GOV.UK/Wagtail style, with a 409; bad
input is a 400 naming the field; never a 500."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from platform_core.admin_forms import ACTION_ERRORS, ActionFormMixin, NoDeletePolicy, attach_errors
from platform_core.errors import DomainError

from . import access, actions
from .forms import VoteForm
from .models import Ballot, Process, Proposal


def money(value) -> str:
    if value is None:
        return "—"
    return f"£{value:,.2f}".replace(".00", "")


# --- processes ---------------------------------------------------------------------------------


class PostcodesField(forms.CharField):
    """The ward's postcodes, one a line (or separated by commas)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [code.strip() for code in text.replace(",", "\n").splitlines() if code.strip()]


class ProcessForm(WagtailAdminModelForm):
    postcodes = PostcodesField(
        required=False,
        label="Postcodes in the ward",
        help_text=(
            "One a line, e.g. NS1 1AA: residents with these postcodes may propose and vote. "
            "Left empty: the postcodes the postcode directory places in the ward."
        ),
    )

    def clean(self):
        data = super().clean()
        stages = [data.get(n) for n in ("proposals_open", "proposals_close", "voting_open")]
        stages.append(data.get("voting_close"))
        if None not in stages and not (stages[0] < stages[1] <= stages[2] < stages[3]):
            self.add_error(
                "voting_open",
                "The stages must follow each other: proposals open, proposals close, voting "
                "opens, voting closes.",
            )
        return data

    def _post_clean(self):
        pass  # the action normalises the postcodes and validates the model before it saves


class ProcessIndexView(IndexView):
    def get_base_queryset(self):
        return access.processes()

    def get_edit_url(self, instance):
        return reverse("participation:run", args=[instance.pk])


class ProcessCreateView(ActionFormMixin, CreateView):
    def get_success_buttons(self):
        return []

    def save_instance(self):
        data = self.form.cleaned_data
        return actions.save_process(
            actor=self.request.user, **{f: data[f] for f in actions.PROCESS_FIELDS if f in data}
        )

    def get_success_url(self):
        return reverse("participation:run", args=[self.object.pk])


class ProcessEditView(ActionFormMixin, EditView):
    def save_instance(self):
        current = Process.objects.get(pk=self.object.pk)
        data = self.form.cleaned_data
        changed = {f: data[f] for f in actions.PROCESS_FIELDS if f in self.form.changed_data}
        return actions.save_process(current, actor=self.request.user, **changed)

    def get_success_url(self):
        return reverse("participation:run", args=[self.object.pk])


def _stage(process: Process) -> str:
    return STAGES.get(process.stage(timezone.now()), "")


STAGES = {
    "upcoming": "Not started",
    "proposals": "Taking proposals",
    "review": "Checking proposals",
    "voting": "Voting open",
    "closed": "Voting closed",
    "results": "Results published",
}


class ProcessViewSet(ModelViewSet):
    """No copy, delete, history or usage screens (ballots and grants refer to a process; the
    audit log is its history)."""

    model = Process
    name = "participation"
    url_prefix = "participation/processes"
    icon = "list-ul"
    menu_label = "Ward budgets (PB)"
    menu_order = 275
    add_to_admin_menu = True
    copy_view_enabled = False
    index_view_class = ProcessIndexView
    add_view_class = ProcessCreateView
    edit_view_class = ProcessEditView
    list_display = [
        "title",
        "ward_name",
        Column("budget", label="Budget", accessor=lambda p: money(p.budget)),
        Column("stage", label="Stage", accessor=_stage),
        Column("method", label="Voting", accessor=lambda p: p.method.capitalize()),
    ]
    search_fields = ["title", "ward_name"]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("slug"),
            FieldPanel("summary"),
            FieldRowPanel([FieldPanel("ward_code"), FieldPanel("ward_name")]),
            FieldPanel("postcodes"),
            FieldRowPanel([FieldPanel("budget"), FieldPanel("ledger_budget_id")]),
            MultiFieldPanel(
                [
                    FieldPanel("method"),
                    FieldRowPanel([FieldPanel("min_choices"), FieldPanel("max_choices")]),
                ],
                heading="How residents vote",
                help_text="Knapsack: projects whose costs fit the budget. Approval: between the "
                "minimum and the maximum number of projects.",
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("proposals_open"), FieldPanel("proposals_close")]),
                    FieldRowPanel([FieldPanel("voting_open"), FieldPanel("voting_close")]),
                ],
                heading="Dates",
            ),
        ],
        base_form_class=ProcessForm,
    )

    def get_urlpatterns(self):
        hidden = {"delete", "history", "history_results", "usage"}
        return [p for p in super().get_urlpatterns() if p.name not in hidden] + [
            path("<int:pk>/", run_view, name="run"),
            path("<int:pk>/paper-ballot/", paper_ballot_view, name="paper_ballot"),
            path("<int:pk>/proposals/<int:proposal_pk>/check/", check_view, name="check"),
        ]

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in ("history_url_name", "usage_url_name", "delete_url_name"):
            view_kwargs[name] = None
        return view_kwargs


register_permission_policy(Process, NoDeletePolicy(Process))


def _process(request, pk, perm="participation.view_process") -> Process:
    if not request.user.has_perm(perm):
        raise PermissionDenied
    process = access.processes().filter(pk=pk).first()
    if process is None:
        raise Http404
    return process


# --- one process -------------------------------------------------------------------------------

STEPS = {
    "open": (actions.open_voting, "Voting is open."),
    "close": (actions.close_voting, "Voting is closed: the votes can be counted."),
    "count": (actions.count, "The votes are counted."),
    "publish": (actions.publish_results, "The results are published on the council's website."),
    "award": (
        actions.award_winners,
        "The winners are awarded as grants (in the 360Giving feed) and committed against the "
        "ward budget.",
    ),
}


def _results(process: Process) -> dict:
    rows = access.results(process)
    return {
        "rows": rows,
        "spent": sum((p.cost for p in rows if p.won), Decimal(0)),
    }


@require_http_methods(["GET", "POST"])
def run_view(request, pk):
    """A process from proposals to winners: the proposals with their checks, the stage's next
    step, the ballots so far and, once counted, the results."""
    process = _process(request, pk)
    can_run = request.user.has_perm("participation.change_process")
    refusal, status = None, 200
    if request.method == "POST":
        step = request.POST.get("step", "")
        if step not in STEPS:
            return TemplateResponse(
                request,
                "participation/admin/bad_step.html",
                {"page_title": "Unknown step", "step": step},
                status=400,
            )
        if not can_run:
            raise PermissionDenied
        action, done = STEPS[step]
        try:
            action(process, actor=request.user)
        except DomainError as error:
            refusal, status = error.message, error.http_status
        else:
            messages.success(request, done)
            return redirect("participation:run", pk=process.pk)
        process = _process(request, pk)
    now = timezone.now()
    ballots = process.ballots
    return TemplateResponse(
        request,
        "participation/admin/run.html",
        {
            "page_title": process.title,
            "header_icon": "list-ul",
            "process": process,
            "stage": process.stage(now),
            "stage_label": STAGES.get(process.stage(now), ""),
            "proposals": list(process.proposals.order_by("status", "title", "pk")),
            "can_check": request.user.has_perm("participation.change_proposal")
            and now < process.voting_open,
            "can_run": can_run,
            "can_enter": request.user.has_perm("participation.add_ballot")
            and now >= process.voting_open
            and not process.counted_at,
            "ballots": ballots.count(),
            "paper": ballots.filter(channel=Ballot.Channel.PAPER).count(),
            "results": _results(process) if process.counted_at else None,
            "refusal": refusal,
            "index_url": reverse("participation:index"),
            "edit_url": reverse("participation:edit", args=[process.pk]),
            "public_url": f"/participate/{process.slug}/",
        },
        status=status,
    )


class CheckForm(forms.Form):
    feasible = forms.TypedChoiceField(
        choices=[("yes", "Feasible: put it on the ballot"), ("no", "Not feasible")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Is the project feasible?",
    )
    cost = forms.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        label="Checked cost (£)",
        help_text="What it would really cost; required for a feasible project",
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason (shown to the proposer and published)",
    )

    def clean(self):
        data = super().clean()
        if data.get("feasible") is False and not (data.get("note") or "").strip():
            self.add_error("note", "Give the reason the project is not feasible")
        return data


@require_http_methods(["GET", "POST"])
def check_view(request, pk, proposal_pk):
    """Record a proposal's feasibility check and its checked cost (before voting opens)."""
    process = _process(request, pk, "participation.change_proposal")
    proposal = process.proposals.filter(pk=proposal_pk).first()
    if proposal is None:
        raise Http404
    initial = {
        "feasible": {"feasible": "yes", "not_feasible": "no"}.get(proposal.status),
        "cost": proposal.cost if proposal.cost is not None else proposal.estimated_cost,
        "note": proposal.feasibility_note,
    }
    form = CheckForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.check_proposal(
                    proposal,
                    feasible=data["feasible"],
                    cost=data["cost"],
                    note=data["note"],
                    actor=request.user,
                )
            except ACTION_ERRORS as error:
                attach_errors(form, error)
                status = 409 if isinstance(error, DomainError) else 400
            else:
                verdict = "on the ballot" if data["feasible"] else "not feasible"
                messages.success(request, f"“{proposal.title}” checked: {verdict}.")
                return redirect("participation:run", pk=process.pk)
    return TemplateResponse(
        request,
        "participation/admin/check.html",
        {
            "page_title": f"Check: {proposal.title}",
            "header_icon": "list-ul",
            "process": process,
            "proposal": proposal,
            "form": form,
            "run_url": reverse("participation:run", args=[process.pk]),
        },
        status=status,
    )


class PaperBallotForm(VoteForm):
    """The public vote form's fields and checks, with the staff's labels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "name": "Voter's full name",
            "date_of_birth": "Voter's date of birth",
            "address": "First line of the voter's address",
            "postcode": "Voter's postcode",
            "choices": "Projects marked on the ballot paper",
        }
        # Staff type the date from the paper in one box (the browser's date picker); residents
        # get GOV.UK's day, month and year boxes.
        self.fields["date_of_birth"] = forms.DateField(
            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            widget=forms.DateInput(attrs={"type": "date"}),
        )
        for name, label in labels.items():
            self.fields[name].label = label
        self.fields["choices"].widget = forms.CheckboxSelectMultiple()
        self.fields["choices"].choices = [
            (p.pk, f"{p.title} ({money(p.cost)})") for p in kwargs.get("proposals", ())
        ]


@require_http_methods(["GET", "POST"])
def paper_ballot_view(request, pk):
    """Enter one paper ballot: the same checks as an online vote (the ward, one vote each, the
    budget or the number of choices), from when voting opens until the count."""
    process = _process(request, pk, "participation.add_ballot")
    proposals = list(access.ballot(process))
    form = PaperBallotForm(request.POST or None, proposals=proposals)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                receipt = actions.cast_vote(
                    process, channel=Ballot.Channel.PAPER, actor=request.user, **form.cleaned_data
                )
            except ACTION_ERRORS as error:
                attach_errors(form, error)
                status = 409 if isinstance(error, DomainError) else 400
            else:
                how = (
                    "a place in the council's address data"
                    if receipt.eligibility == "place"
                    else "the ward's postcodes"
                )
                messages.success(
                    request,
                    f"Paper ballot {receipt.ballot} entered (address checked against {how}).",
                )
                if "another" in request.POST:
                    return redirect("participation:paper_ballot", pk=process.pk)
                return redirect("participation:run", pk=process.pk)
    return TemplateResponse(
        request,
        "participation/admin/paper_ballot.html",
        {
            "page_title": f"Enter a paper ballot: {process.title}",
            "header_icon": "list-ul",
            "process": process,
            "form": form,
            "run_url": reverse("participation:run", args=[process.pk]),
            "rule": (
                f"Projects whose costs add up to no more than {money(process.budget)}"
                if process.method == Process.Method.KNAPSACK
                else f"Between {process.min_choices} and {process.max_choices or 'any number of'} projects"
            ),
            "open": timezone.now() >= process.voting_open and not process.counted_at,
        },
        status=status,
    )


register_permission_policy(Proposal, NoDeletePolicy(Proposal))
