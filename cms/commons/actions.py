"""Sharing pages to the content commons: the library side. Adopting a template into a council's
tree is the website's side (cms/adoption.py), which imports this module, never the reverse.

The library (``commons.SharedTemplate``) lives in ``public``; the copies and their provenance
(``cms.AdoptedPage``) live in the adopting council's schema. Nothing reads another council's
schema: sharing copies the content into the library, adopting copies it out again.
"""

import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from tenants.access import current_council

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


def require_council():
    """The council whose schema is current; the commons is used from a council's own site."""
    council = current_council()
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
    council = require_council()
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
