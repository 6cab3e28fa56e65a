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
    """The content commons: every shared template, filtered by text, page type and source
    council; each marked when this council has already adopted it (with a link to its copy),
    with a preview, and a parent chooser offering only pages that accept its type and where the
    user may add pages."""
    from django.apps import apps

    from cms.models import AdoptedPage

    templates = list(commons.library())
    query = (request.GET.get("q") or "").strip()[:100]
    page_type = request.GET.get("type") or ""
    source = request.GET.get("council") or ""
    types = sorted(
        {(t.page_type, _type_name(apps, t.page_type)) for t in templates}, key=lambda x: x[1]
    )
    councils = sorted({(str(t.source_council_id), t.source_council.name) for t in templates})
    shown = [
        t
        for t in templates
        if (not query or query.lower() in f"{t.title} {t.summary}".lower())
        and (not page_type or t.page_type == page_type)
        and (not source or str(t.source_council_id) == source)
    ]
    adopted = {a.template_id: a for a in AdoptedPage.objects.select_related("page")}
    own_council = commons.require_council().pk
    addable = [
        p
        for p in Page.objects.filter(depth__gte=2).order_by("path").specific()
        if p.permissions_for_user(request.user).can_add_subpage()
    ]
    parents_by_type = {
        label: [
            p for p in addable if _model(apps, label) in p.specific_class.allowed_subpage_models()
        ]
        for label, _name in types
    }
    rows = [
        {
            "template": t,
            "type_name": _type_name(apps, t.page_type),
            "adoption": adopted.get(t.pk),
            "own": t.source_council_id == own_council,
            "parents": parents_by_type.get(t.page_type, []),
        }
        for t in shown
    ]
    context = {
        "rows": rows,
        "total": len(templates),
        "types": types,
        "councils": councils,
        "filters": {"q": query, "type": page_type, "council": source},
        "outdated": adopting.outdated_adoptions(),
    }
    return TemplateResponse(request, "cms/admin/commons.html", context)


def _model(apps, label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _type_name(apps, label) -> str:
    model = _model(apps, label)
    return str(model._meta.verbose_name).capitalize() if model else label


def commons_preview(request, template_id):
    """A shared template as it would look on this council's site (nothing is saved)."""
    template = commons.access_template(template_id)
    return adopting.preview_template(template, request)


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
