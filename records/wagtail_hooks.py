"""The records screens in the Wagtail admin: one "Records" menu (the register, file plan,
legal holds, disposal, decisions, policies and actions arising, each shown only to those whose
model permissions allow it, as the API asks), the dashboard and the record's own pages."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views
from .access import is_records_manager
from .admin_viewsets import RECORDS_MENU_HOOK, RecordsGroup, register_policies

register_policies()


@hooks.register("register_admin_viewset")
def register_records_viewsets():
    return RecordsGroup()


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("records/", admin_views.dashboard, name="records_dashboard"),
        path("records/records/<int:pk>/", admin_views.record_detail, name="records_detail"),
        path(
            "records/records/<int:pk>/add-version/",
            admin_views.add_version,
            name="records_add_version",
        ),
        path("records/records/<int:pk>/close/", admin_views.close_record, name="records_close"),
        path(
            "records/holds/<int:pk>/release/", admin_views.release_hold, name="records_hold_release"
        ),
        path(
            "records/disposal/<int:pk>/review/",
            admin_views.disposal_review,
            name="records_disposal_review",
        ),
        path(
            "records/disposal/<int:pk>/complete/",
            admin_views.complete_disposal,
            name="records_disposal_complete",
        ),
        path(
            "records/disposal/<int:pk>/certificate/",
            admin_views.disposal_certificate,
            name="records_disposal_certificate",
        ),
        path(
            "records/decisions/<int:pk>/publish/",
            admin_views.publish_decision,
            name="records_decision_publish",
        ),
    ]


class ManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_records_manager(request.user)


@hooks.register(RECORDS_MENU_HOOK)
def register_dashboard_menu_item():
    return ManagerMenuItem(
        "Dashboard",
        reverse("records_dashboard"),
        name="records-dashboard",
        icon_name="home",
        order=0,
    )
