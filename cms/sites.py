"""A council's routing belongs to the platform: its Wagtail Site (hostname, port, root page) is
written by provisioning (``cms.provisioning.name_site``) from the council's Domain rows, and
nobody in the council's admin — not even its first administrator, a superuser of the council's
schema — may add, edit or delete Sites, or delete, move or unpublish the page a Site points at.

The Sites screens stay installed (Wagtail's page explorer links to them) but refuse everyone:
the permission policy registered for ``Site`` grants nothing, so the Settings menu hides "Sites"
and its views answer "permission denied". The page hooks live in ``cms.wagtail_hooks``."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail.models import Page, Site
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

ROOT_PAGE_REFUSAL = (
    "“{title}” is the home page your website's address points to. It cannot be deleted, moved "
    "or unpublished here; the platform team can help if it needs to change."
)


class PlatformManagedSitePolicy(ModelPermissionPolicy):
    """No one in a council's admin may add, change or delete a Site (superusers included)."""

    def user_has_permission(self, user, action):
        return False

    def user_has_any_permission(self, user, actions):
        return False

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.none()

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])

    def user_has_permission_for_instance(self, user, action, instance):
        return False

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return False

    def instances_user_has_any_permission_for(self, user, actions):
        return Site.objects.none()


def install() -> None:
    register_permission_policy(Site, PlatformManagedSitePolicy(Site))


def routes_a_site(page) -> bool:
    """Is the page a Site's root (or above one)? Deleting, moving or unpublishing it would take
    the council's website off its address."""
    roots = Site.objects.values_list("root_page__path", flat=True)
    return any(path.startswith(page.path) for path in roots)


def refuse(request, page):
    messages.error(request, ROOT_PAGE_REFUSAL.format(title=page.get_admin_display_title()))
    return redirect("wagtailadmin_explore", page.get_parent().pk if page.depth > 1 else page.pk)


def guard(request, page):
    if routes_a_site(page):
        return refuse(request, page)
    return None


def guard_bulk(request, action_type, objects, action_class_instance):
    if action_type not in {"delete", "move", "unpublish"}:
        return None
    for obj in objects:
        if isinstance(obj, Page) and routes_a_site(obj):
            return refuse(request, obj)
    return None
