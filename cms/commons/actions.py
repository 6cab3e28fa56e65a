"""Sharing pages to the content commons and adopting them. Called from the admin views and tests.

The library (``commons.SharedTemplate``) lives in ``public``; the copies and their provenance
(``cms.AdoptedPage``) live in the adopting council's schema. Nothing reads another council's
schema: sharing copies the content into the library, adopting copies it out again.
"""

import hashlib
import json

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import Http404
from django.utils.text import slugify

from .models import SharedTemplate

# Fields that belong to the page's place in one council's tree, never copied between councils.
_NOT_COPIED = {
    "id",
    "pk",
    "path",
    "depth",
    "numchild",
    "url_path",
    "owner",
    "locked",
    "locked_by",
    "locked_at",
    "latest_revision",
    "latest_revision_created_at",
    "live_revision",
    "first_published_at",
    "last_published_at",
    "live",
    "has_unpublished_changes",
    "content_type",
    "page_ptr",
    "draft_title",
    "go_live_at",
    "expire_at",
    "expired",
    "locale",
    "translation_key",
    "alias_of",
    "wagtail_admin_comments",
    "comments",
    "slug",
    "review_date",
    "search_description",
    "seo_title",
    "show_in_menus",
    "live_revision_id",
    "latest_revision_id",
    "owner_id",
    "locked_by_id",
    "content_type_id",
    "locale_id",
    "alias_of_id",
    "page_ptr_id",
}
SHAREABLE_TYPES = {
    "cms.servicepage",
    "cms.informationpage",
    "cms.guideoverviewpage",
    "cms.stepbysteppage",
    "cms.contactpage",
}


def _current_council():
    """The council whose schema is current (set by the host routing or a schema context)."""
    from tenants.models import Council

    schema = connection.schema_name
    council = Council.objects.filter(schema_name=schema).exclude(schema_name="public").first()
    if council is None:
        raise PermissionDenied("The content commons is used from a council's own site.")
    return council


def page_content(page) -> dict:
    """The page's own content fields, as JSON, without tree position or ownership."""
    data = page.serializable_data()
    return {k: v for k, v in data.items() if k not in _NOT_COPIED and not k.endswith("_ptr")}


def _hash(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def share_page(page, user) -> SharedTemplate:
    """Share a live page of the current council as a template. Sharing again updates it; the
    version goes up only when the content changed."""
    council = _current_council()
    page = page.specific
    label = f"{page._meta.app_label}.{page._meta.model_name}"
    if label not in SHAREABLE_TYPES:
        raise ValidationError({"page": f"{page._meta.verbose_name} pages cannot be shared."})
    if not page.permissions_for_user(user).can_publish():
        raise PermissionDenied("Only people who can publish a page can share it.")
    content = page_content(page)
    digest = _hash(content)
    with transaction.atomic():
        template = (
            SharedTemplate.objects.select_for_update()
            .filter(source_council=council, source_page_id=page.pk)
            .first()
        )
        if template is None:
            return SharedTemplate.objects.create(
                source_council=council,
                source_page_id=page.pk,
                page_type=label,
                title=page.title,
                summary=getattr(page, "summary", "")[:300],
                content=content,
                content_hash=digest,
            )
        if template.content_hash != digest or template.withdrawn:
            template.version += 1 if template.content_hash != digest else 0
            template.content, template.content_hash = content, digest
            template.title, template.summary = page.title, getattr(page, "summary", "")[:300]
            template.withdrawn = False
            template.save()
        return template


def library():
    """Templates any council can adopt (not withdrawn)."""
    return SharedTemplate.objects.filter(withdrawn=False).select_related("source_council")


def access_template(template_id) -> SharedTemplate:
    try:
        return library().get(pk=int(template_id))
    except (SharedTemplate.DoesNotExist, ValueError, TypeError):
        raise Http404("No such template") from None


def adopt_template(template: SharedTemplate, parent, user):
    """Copy a library template into the current council's tree under ``parent`` as a draft."""
    from cms.models import AdoptedPage

    _current_council()
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


def outdated_adoptions():
    """Adopted pages in the current council whose source has changed since adoption."""
    from cms.models import AdoptedPage

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
