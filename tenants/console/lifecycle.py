"""The console's deletion pages: confirm (type the slug), schedule, cancel."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import lifecycle
from .access import access_council, console_view
from .forms import DeleteForm, ReasonForm

PERMS = ("tenants.view_council", "tenants.delete_council")


@console_view(*PERMS)
def council_delete(request, slug):
    """GET: the confirmation screen. POST: schedule the deletion (suspended and exported now,
    deleted after the grace period)."""
    council = access_council(slug)
    if council.deletion_due_at is not None:
        messages.info(request, f"{council.name} is already scheduled for deletion.")
        return redirect("console-council", slug=council.slug)
    data = request.POST if request.method == "POST" else None
    form = DeleteForm(data, council=council, prefix="delete")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                lifecycle.schedule_deletion(
                    council, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error("reason" if field == "reason" else None, errors)
            else:
                messages.success(
                    request,
                    f"{council.name} is suspended and will be deleted on "
                    f"{council.deletion_due_at:%-d %B %Y}; an export is being taken first.",
                )
                return redirect("console-council", slug=council.slug)
        status = 400
    context = {
        "council": council,
        "form": form,
        "grace_days": settings.COUNCIL_DELETION_GRACE_DAYS,
    }
    return render(request, "console/delete.html", context, status=status)


@require_POST
@console_view(*PERMS)
def council_cancel_deletion(request, slug):
    council = access_council(slug)
    form = ReasonForm(request.POST, prefix="cancel")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("console-council", slug=council.slug)
    try:
        lifecycle.cancel_deletion(council, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.info(request, " ".join(exc.messages))
        return redirect("console-council", slug=council.slug)
    messages.success(
        request,
        f"The deletion of {council.name} is cancelled; it stays suspended until reactivated.",
    )
    return redirect("console-council", slug=council.slug)
