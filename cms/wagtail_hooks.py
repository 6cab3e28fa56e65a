from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms import admin_views, sites
from cms.models import AlertBanner


class AlertBannerChooserViewSet(SnippetChooserViewSet):
    # A form for the chooser's "create" step: without one, Wagtail's chooser create endpoint
    # answers a POST with a 500 (it calls is_valid() on no form).
    form_fields = ["title", "message", "alert_type", "site_wide", "starts_at", "ends_at"]


class AlertBannerViewSet(SnippetViewSet):
    model = AlertBanner
    chooser_viewset_class = AlertBannerChooserViewSet
    icon = "warning"
    menu_label = "Alert banners"
    list_display = ["title", "alert_type", "site_wide", "starts_at", "ends_at"]
    list_filter = ["alert_type"]
    add_to_admin_menu = True


register_snippet(AlertBannerViewSet)


# A council's routing is the platform's (cms/sites.py): the page its Site points at stays put.
hooks.register("before_delete_page", sites.guard)
hooks.register("before_move_page", lambda request, page, destination: sites.guard(request, page))
hooks.register("before_unpublish_page", sites.guard)
hooks.register("before_bulk_action", sites.guard_bulk)


@hooks.register("insert_editor_js")
def preview_follows_early_edits():
    """The live preview shows edits made before Wagtail watches the form (cms/static/cms/admin/)."""
    return format_html(
        '<script src="{}"></script>', static("cms/admin/preview-follows-early-edits.js")
    )


@hooks.register("insert_editor_js")
def name_rich_text_editors():
    """Rich text editors in StreamField blocks get an accessible name (cms/static/cms/admin/)."""
    return format_html('<script src="{}"></script>', static("cms/admin/name-rich-text-editors.js"))


@hooks.register("insert_global_admin_js")
def mend_wagtail_screens():
    """The new user form's "Roles" link and the multiple image upload's file input made
    accessible (cms/static/cms/admin/wagtail-screens.js)."""
    return format_html('<script src="{}"></script>', static("cms/admin/wagtail-screens.js"))


@hooks.register("insert_global_admin_css")
def target_sizes():
    """Panel toggles and anchors above the 24px minimum target size (cms/static/cms/admin/)."""
    return format_html('<link rel="stylesheet" href="{}">', static("cms/admin/targets.css"))


@hooks.register("insert_global_admin_css")
def listings_reflow():
    """Listings scroll in their own box at 320 px rather than being cut off (cms/static/cms/admin/)."""
    return format_html('<link rel="stylesheet" href="{}">', static("cms/admin/reflow.css"))


@hooks.register("before_serve_page")
def mark_cacheable(page, request, serve_args, serve_kwargs):
    """Only public pages of a cacheable type go into the anonymous page cache."""
    request._cms_cacheable_page = (
        bool(getattr(page, "cache_anonymous", False)) and not page.get_view_restrictions().exists()
    )


@hooks.register("register_admin_urls")
def admin_urls():
    return [
        path("reports/due-for-review/", admin_views.review_report, name="cms_review_report"),
        path("commons/", admin_views.commons_library, name="cms_commons"),
        path(
            "commons/preview/<int:template_id>/",
            admin_views.commons_preview,
            name="cms_commons_preview",
        ),
        path(
            "commons/adopt/<int:template_id>/", admin_views.commons_adopt, name="cms_commons_adopt"
        ),
        path("commons/share/<int:page_id>/", admin_views.commons_share, name="cms_commons_share"),
        path(
            "commons/acknowledge/<int:adoption_id>/",
            admin_views.commons_acknowledge,
            name="cms_commons_acknowledge",
        ),
    ]


class PageEditorMenuItem(MenuItem):
    """Shown only to people who may edit or add pages somewhere in the council's tree: a
    records manager or an analyst has no use for page tools."""

    def is_shown(self, request):
        from wagtail.permission_policies.pages import PagePermissionPolicy

        return PagePermissionPolicy().user_has_any_permission(request.user, ["add", "change"])


@hooks.register("register_reports_menu_item")
def review_report_menu_item():
    return PageEditorMenuItem(
        "Due for review", reverse("cms_review_report"), icon_name="date", order=700
    )


@hooks.register("register_admin_menu_item")
def commons_menu_item():
    return PageEditorMenuItem(
        "Content commons", reverse("cms_commons"), icon_name="globe", order=900
    )


@hooks.register("register_page_header_buttons")
def share_button(page, user, view_name, next_url=None):
    from cms.commons.actions import SHAREABLE_TYPES

    label = (
        f"{page.specific_class._meta.app_label}.{page.specific_class._meta.model_name}"
        if page.specific_class
        else ""
    )
    if label in SHAREABLE_TYPES and page.live:
        yield Button(
            "Share to content commons",
            reverse("cms_commons_share", args=[page.pk]),
            icon_name="globe",
            priority=60,
        )


class CommonsUpdatesPanel(Component):
    """On the admin dashboard: adopted pages whose source council has shared a newer version."""

    name = "commons_updates"
    order = 150
    template_name = "cms/admin/commons_panel.html"

    def __init__(self, outdated):
        self.outdated = outdated

    def get_context_data(self, parent_context):
        return {"outdated": self.outdated}


@hooks.register("construct_homepage_panels")
def commons_updates_panel(request, panels):
    from cms.adoption import outdated_adoptions

    outdated = [
        (adoption, version)
        for adoption, version in outdated_adoptions()
        if adoption.page.permissions_for_user(request.user).can_edit()
    ]
    if outdated:
        panels.append(CommonsUpdatesPanel(outdated))


@hooks.register("construct_help_menu")
def no_framework_guides_in_the_help_menu(request, menu_items):
    """Council staff's Help menu keeps the keyboard shortcuts; the links to Wagtail's release
    notes and editor guide on wagtail.org ("What's new in Wagtail 8") are left out."""
    menu_items[:] = [
        item
        for item in menu_items
        if not (item.name.startswith("whats-new-in-wagtail") or item.name == "editor-guide")
    ]
