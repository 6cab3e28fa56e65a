from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views
from .access import is_records_manager


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("records/", admin_views.dashboard, name="records_dashboard"),
        path("records/records/", admin_views.record_list, name="records_list"),
        path("records/records/<int:pk>/", admin_views.record_detail, name="records_detail"),
    ]


class RecordsMenuItem(MenuItem):
    def is_shown(self, request):
        return is_records_manager(request.user)


@hooks.register("register_admin_menu_item")
def register_records_menu_item():
    return RecordsMenuItem(
        "Records",
        reverse("records_dashboard"),
        name="records",
        icon_name="folder-open-inverse",
        order=250,
    )
