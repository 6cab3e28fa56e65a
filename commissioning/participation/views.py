"""The public pages of participatory budgeting on the council's website (/participate/):
processes, proposing a project, voting, and the results once published."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from platform_core.api.throttling import ClientAddressThrottle
from platform_core.errors import Refused

from . import access, actions
from .forms import ProposalForm, VoteForm


def _process(slug):
    process = access.public_process(slug)
    if process is None:
        raise Http404
    return process


def _errors(form, exc: ValidationError):
    for field, messages in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def _refusal(form, exc: Refused) -> str | None:
    """A refusal about one of the form's fields (outside the ward: the postcode; a second
    vote: the name; over the budget: the projects) goes on that field, as GOV.UK forms show
    errors; any other is shown above the form. Returns the message shown above, if any."""
    fields = {f: m for f, m in (getattr(exc, "fields", None) or {}).items() if f in form.fields}
    if not fields:
        return exc.message
    for field, messages in fields.items():
        form.add_error(field, messages)
    return None


def _throttled(request, template: str, context: dict):
    """Posts to the public forms are limited per client address (rate ``participation``,
    ``PARTICIPATION_THROTTLE``): without it a script could cast made-up residents' votes as
    fast as it runs, and ask the one-vote-each refusal whether any named person has voted.
    None when the post may go ahead; otherwise the form again with the reason (429)."""
    throttle = ClientAddressThrottle("participation")
    if request.method != "POST" or throttle.allow(request):
        return None
    wait = throttle.wait() or 60
    minutes = max(1, int(wait // 60) + (1 if wait % 60 else 0))
    refusal = (
        f"Too many attempts from your connection. Try again in {minutes} "
        f"minute{'s' if minutes != 1 else ''}."
    )
    response = render(request, template, {**context, "refusal": refusal}, status=429)
    response["Retry-After"] = str(int(wait) or 60)
    return response


def index(request):
    now = timezone.now()
    items = [(p, p.stage(now)) for p in access.public_processes()]
    return render(request, "participation/index.html", {"items": items})


def process_page(request, slug):
    process = _process(slug)
    now = timezone.now()
    return render(
        request,
        "participation/process.html",
        {
            "process": process,
            "stage": process.stage(now),
            "ballot": access.ballot(process),
            "results": access.results(process) if process.results_published_at else [],
            "turnout": access.turnout(process) if process.results_published_at else None,
        },
    )


@require_http_methods(["GET", "POST"])
def propose(request, slug):
    process = _process(slug)
    refusal = None
    refused = False
    form = ProposalForm(request.POST or None)
    throttled = _throttled(
        request,
        "participation/propose.html",
        {
            "process": process,
            "form": ProposalForm(),
            "open": process.stage(timezone.now()) == "proposals",
        },
    )
    if throttled:
        return throttled
    if request.method == "POST" and form.is_valid():
        try:
            actions.submit_proposal(process, **form.cleaned_data)
        except Refused as exc:
            refused = True
            refusal = _refusal(form, exc)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            return redirect("participation_thanks", slug=process.slug, what="proposal")
    status = 400 if request.method == "POST" and (form.errors or refusal) else 200
    if refused:
        status = 409
    return render(
        request,
        "participation/propose.html",
        {
            "process": process,
            "form": form,
            "refusal": refusal,
            "open": process.stage(timezone.now()) == "proposals",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def vote(request, slug):
    process = _process(slug)
    proposals = list(access.ballot(process))
    refusal = None
    refused = False
    form = VoteForm(request.POST or None, proposals=proposals)
    throttled = _throttled(
        request,
        "participation/vote.html",
        {
            "process": process,
            "form": VoteForm(proposals=proposals),
            "proposals": proposals,
            "chosen": set(),
            "open": process.stage(timezone.now()) == "voting",
        },
    )
    if throttled:
        return throttled
    if request.method == "POST" and form.is_valid():
        try:
            actions.cast_vote(process, **form.cleaned_data)
        except Refused as exc:
            refused = True
            refusal = _refusal(form, exc)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            return redirect("participation_thanks", slug=process.slug, what="vote")
    status = 200
    if request.method == "POST" and (form.errors or refusal):
        status = 409 if refused else 400
    chosen = set(form["choices"].value() or [])
    return render(
        request,
        "participation/vote.html",
        {
            "process": process,
            "form": form,
            "refusal": refusal,
            "proposals": proposals,
            "chosen": {str(c) for c in chosen},
            "open": process.stage(timezone.now()) == "voting",
        },
        status=status,
    )


def thanks(request, slug, what):
    process = _process(slug)
    if what not in ("proposal", "vote"):
        raise Http404
    return render(request, "participation/thanks.html", {"process": process, "what": what})
