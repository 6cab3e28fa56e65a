"""Adopting content commons templates into the current council's tree, and tracking the source's
later versions. The library itself (sharing, listing) is cms/commons/actions.py."""

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from cms.commons.actions import require_council
from cms.commons.models import SharedTemplate
from cms.models import AdoptedPage


def adopt_template(template: SharedTemplate, parent, user):
    """Copy a library template into the current council's tree under ``parent`` as a draft."""
    require_council()
    model = apps.get_model(template.page_type)
    if not parent.permissions_for_user(user).can_add_subpage():
        raise PermissionDenied("You cannot add pages here.")
    if model not in parent.specific_class.allowed_subpage_models():
        raise ValidationError(
            {"parent": f"A {model._meta.verbose_name} cannot go under {parent.title}."}
        )
    data = dict(template.content)
    data["title"] = template.title
    data["pk"] = None
    base = slugify(template.title)[:40] or "adopted"
    slug, n = base, 1
    while parent.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    with transaction.atomic():
        page = model.from_serializable_data(data)
        page.pk = None
        page.id = None
        page.slug = slug
        page.live = False
        page.owner = user
        parent.add_child(instance=page)
        page.save_revision(user=user, log_action=True)
        AdoptedPage.objects.create(
            page=page,
            template_id=template.pk,
            source_council_name=template.source_council.name,
            adopted_version=template.version,
        )
    return page


def _unsaved_copy(template: SharedTemplate):
    model = apps.get_model(template.page_type)
    data = dict(template.content)
    data["title"] = template.title
    data["pk"] = None
    page = model.from_serializable_data(data)
    page.pk = page.id = None
    return page


def preview_template(template: SharedTemplate, request):
    """Render a library template with this council's layout and branding, unsaved: placed (as
    Wagtail's own preview of a new page does) as if it were a child of the home page."""
    from wagtail.models import Page

    require_council()
    page = _unsaved_copy(template)
    home = Page.objects.get(depth=2)
    page.depth = home.depth + 1
    page.path = Page._get_children_path_interval(home.path)[1]
    page.slug = slugify(template.title)[:40] or "preview"
    page.set_url_path(home)
    return page.make_preview_request(request, page.default_preview_mode)


def outdated_adoptions():
    """Adopted pages in the current council whose source has changed since adoption."""
    adoptions = list(AdoptedPage.objects.select_related("page"))
    versions = dict(
        SharedTemplate.objects.filter(pk__in=[a.template_id for a in adoptions]).values_list(
            "pk", "version"
        )
    )
    return [
        (a, versions[a.template_id])
        for a in adoptions
        if a.template_id in versions
        and versions[a.template_id] > a.adopted_version
        and versions[a.template_id] != a.dismissed_version
    ]


def acknowledge_update(adoption, version: int) -> None:
    """The council has seen the source's new version (kept its copy as it is)."""
    adoption.dismissed_version = version
    adoption.save(update_fields=["dismissed_version"])
