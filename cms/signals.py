"""Keep the anonymous page cache honest: any change visitors could see invalidates it."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from cms import cache as page_cache


def _invalidate(**kwargs):
    # After commit: a request between the change and its commit must not re-cache old content.
    transaction.on_commit(page_cache.invalidate)


def connect() -> None:
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.models import Page, PageViewRestriction

    from cms.models import AlertBanner, CouncilBranding

    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(_invalidate, dispatch_uid=f"cms-cache-{id(signal)}")
    # PageViewRestriction: making a page private (or public again) changes what anonymous
    # visitors may see of it and of every page below it.
    for model in (AlertBanner, CouncilBranding, Redirect, PageViewRestriction):
        post_save.connect(
            _invalidate, sender=model, dispatch_uid=f"cms-cache-save-{model.__name__}"
        )
        post_delete.connect(
            _invalidate, sender=model, dispatch_uid=f"cms-cache-del-{model.__name__}"
        )
    post_delete.connect(_invalidate, sender=Page, dispatch_uid="cms-cache-del-page")
