"""Wagtail admin views: content due for review, and the content commons."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from cms import adoption as adopting
from cms.commons import actions as commons
from cms.reviews import pages_due_for_review


def access_page_for_edit(user, page_id) -> Page:
    """A page of this council the user may edit; another council's id is simply missing."""
    from django.http import Http404

    try:
        page = Page.objects.get(pk=int(page_id)).specific
    except (Page.DoesNotExist, ValueError, TypeError):
        raise Http404("No such page") from None
    if not page.permissions_for_user(user).can_edit():
        raise Http404("No such page")
    return page


def review_report(request):
    try:
        days = max(0, min(int(request.GET.get("days", "30")), 3650))
    except ValueError:
        days = 30
    due = [
        (page, date)
        for page, date in pages_due_for_review(days)
        if page.permissions_for_user(request.user).can_edit()
    ]
    return TemplateResponse(request, "cms/admin/review_report.html", {"due": due, "days": days})


def commons_library(request):
    parents = [
        p
        for p in Page.objects.filter(depth__gte=2).order_by("path").specific()
        if p.permissions_for_user(request.user).can_add_subpage()
    ]
    context = {
        "templates": commons.library(),
        "parents": parents,
        "outdated": adopting.outdated_adoptions(),
    }
    return TemplateResponse(request, "cms/admin/commons.html", context)


@require_http_methods(["POST"])
def commons_adopt(request, template_id):
    template = commons.access_template(template_id)
    parent = access_page_for_edit(request.user, request.POST.get("parent"))
    try:
        page = adopting.adopt_template(template, parent, request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("cms_commons")
    messages.success(request, f"Adopted “{page.title}” as a draft.")
    return redirect("wagtailadmin_pages:edit", page.pk)


@require_http_methods(["GET", "POST"])
def commons_share(request, page_id):
    page = access_page_for_edit(request.user, page_id)
    if request.method == "POST":
        try:
            template = commons.share_page(page, request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("wagtailadmin_pages:edit", page.pk)
        messages.success(
            request, f"Shared “{page.title}” to the content commons (version {template.version})."
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return TemplateResponse(request, "cms/admin/commons_share.html", {"page": page})


@require_http_methods(["POST"])
def commons_acknowledge(request, adoption_id):
    from django.http import Http404

    for adoption, version in adopting.outdated_adoptions():
        if (
            adoption.pk == adoption_id
            and adoption.page.permissions_for_user(request.user).can_edit()
        ):
            adopting.acknowledge_update(adoption, version)
            return redirect("cms_commons")
    raise Http404("No such adoption")
