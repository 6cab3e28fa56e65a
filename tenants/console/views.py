"""The console's pages. Every write goes through tenants.actions."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from platform_core import features

from .. import actions
from ..models import Council, CouncilEvent, CouncilRequest
from . import overview, panels
from .access import access_council, access_council_request, console_view, councils
from .forms import CouncilFilterForm, DecisionForm, OrgIdForm, ReasonForm

PAGE_SIZE = 50


@console_view("tenants.view_council")
def council_overview(request):
    form = CouncilFilterForm(request.GET)
    queryset = councils().prefetch_related("domains")
    status = 200
    if form.is_valid():
        queryset = form.filter(queryset)
    else:
        status = 400
        queryset = queryset.none()
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = overview.council_rows(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "rows": rows,
        "page": page,
        "query": query.urlencode(),
        "pending_requests": CouncilRequest.objects.filter(
            status=CouncilRequest.Status.PENDING
        ).count(),
        "total": paginator.count,
    }
    return render(request, "console/overview.html", context, status=status)


@console_view("tenants.view_council")
def council_detail(request, slug):
    council = access_council(slug)
    return _detail(request, council)


def _detail(
    request, council, *, suspend_form=None, reactivate_form=None, org_form=None, status=200
):
    row = overview.council_rows([council])[0]
    context = {
        "council": council,
        "row": row,
        "events": CouncilEvent.objects.filter(council=council).select_related("actor")[:100],
        "suspend_form": suspend_form or ReasonForm(reason_required=True, prefix="suspend"),
        "reactivate_form": reactivate_form or ReasonForm(prefix="reactivate"),
        "org_form": org_form or OrgIdForm(prefix="org", initial={"org_id": council.org_id}),
        "can_change": request.user.has_perm("tenants.change_council"),
        "usage": _usage(council),
        "exports": council.exports.all()[:10]
        if request.user.has_perm("tenants.view_councilexport")
        else [],
        "can_export": request.user.has_perm("tenants.add_councilexport"),
        "can_delete": request.user.has_perm("tenants.delete_council"),
        "cancel_form": ReasonForm(prefix="cancel"),
        **_features_summary(council),
    }
    return render(request, "console/council.html", context, status=status)


def _features_summary(council) -> dict:
    state = features.states(council.schema_name)
    return {"features_on": sum(state.values()), "features_total": len(state)}


def _usage(council):
    """Billing's usage for the council, when the billing app offers it (billing.access,
    registered in tenants.console.panels)."""
    return panels.usage(council)


@require_POST
@console_view("tenants.view_council", "tenants.change_council")
def council_suspend(request, slug):
    council = access_council(slug)
    if council.status == Council.Status.SUSPENDED:
        messages.info(request, f"{council.name} was already suspended.")
        return redirect("console-council", slug=council.slug)
    form = ReasonForm(request.POST, reason_required=True, prefix="suspend")
    if not form.is_valid():
        return _detail(request, council, suspend_form=form, status=400)
    try:
        actions.suspend_council(council, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as exc:
        form.add_error("reason", exc.message_dict.get("reason", exc.messages))
        return _detail(request, council, suspend_form=form, status=400)
    messages.success(request, f"{council.name} is suspended: its site, admin and API answer 503.")
    return redirect("console-council", slug=council.slug)


@require_POST
@console_view("tenants.view_council", "tenants.change_council")
def council_org_id(request, slug):
    """Set the council's org-id (checked against its nation's register prefix)."""
    council = access_council(slug)
    form = OrgIdForm(request.POST, prefix="org")
    if not form.is_valid():
        return _detail(request, council, org_form=form, status=400)
    try:
        actions.set_org_id(council, form.cleaned_data["org_id"], actor=request.user)
    except ValidationError as exc:
        form.add_error("org_id", exc.message_dict.get("org_id", exc.messages))
        return _detail(request, council, org_form=form, status=400)
    messages.success(request, f"{council.name}'s org-id is {council.org_id or 'cleared'}.")
    return redirect("console-council", slug=council.slug)


@require_POST
@console_view("tenants.view_council", "tenants.change_council")
def council_reactivate(request, slug):
    council = access_council(slug)
    if council.status == Council.Status.ACTIVE:
        messages.info(request, f"{council.name} was already active.")
        return redirect("console-council", slug=council.slug)
    form = ReasonForm(request.POST, prefix="reactivate")
    if not form.is_valid():
        return _detail(request, council, reactivate_form=form, status=400)
    try:
        actions.reactivate_council(council, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        form.add_error("reason", exc.message_dict.get("reason", exc.messages))
        return _detail(request, council, reactivate_form=form, status=400)
    messages.success(request, f"{council.name} is active again.")
    return redirect("console-council", slug=council.slug)


@console_view("tenants.view_councilrequest")
def council_requests(request, forms=None, status=200):
    pending = CouncilRequest.objects.filter(status=CouncilRequest.Status.PENDING).order_by(
        "created_at"
    )
    decided = (
        CouncilRequest.objects.exclude(status=CouncilRequest.Status.PENDING)
        .select_related("decided_by", "council")
        .order_by("-decided_at")[:50]
    )
    forms = forms or {}
    context = {
        "pending": [(r, forms.get(r.pk) or DecisionForm(prefix=f"r{r.pk}")) for r in pending],
        "decided": decided,
        "can_approve": request.user.has_perm("tenants.add_council"),
        "can_reject": request.user.has_perm("tenants.change_councilrequest"),
    }
    return render(request, "console/requests.html", context, status=status)


@require_POST
@console_view("tenants.view_councilrequest")
def council_request_decide(request, pk):
    council_request = access_council_request(pk)
    form = DecisionForm(request.POST, prefix=f"r{council_request.pk}")
    if not form.is_valid():
        return council_requests(request, forms={council_request.pk: form}, status=400)
    decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
    needed = "tenants.add_council" if decision == "approve" else "tenants.change_councilrequest"
    if not request.user.has_perm(needed):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(f"You may not {decision} council requests.")
    try:
        if decision == "approve":
            result = actions.approve_council_request(council_request, request.user, reason)
        else:
            actions.reject_council_request(council_request, request.user, reason)
    except ValidationError as exc:
        if council_request.status != CouncilRequest.Status.PENDING:
            messages.error(request, f"{council_request.name}: {' '.join(exc.messages)}")
            return council_requests(request, status=400)
        for field, errors in exc.message_dict.items():
            form.add_error("reason" if field == "reason" else None, errors)
        return council_requests(request, forms={council_request.pk: form}, status=400)
    if decision == "reject":
        messages.success(request, f"Rejected the request from {council_request.name}.")
        return redirect("console-requests")
    council = result.council
    text = f"Provisioned {council.name} at {council.site_url()}"
    if council.admin_invitation == Council.Invitation.FAILED:
        messages.warning(
            request,
            f"{text}, but the set-password email to {result.admin_email} could not be sent "
            f"({council.admin_invitation_error}).",
        )
    else:
        messages.success(request, f"{text}; {result.admin_email} is emailed a set-password link.")
    return redirect("console-council", slug=council.slug)


@console_view()
def platform_data(request):
    """The raw tables in the Django admin that this user may see (users, groups, tokens...)."""
    return render(request, "console/data.html", {"app_list": admin.site.get_app_list(request)})
