from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views
from .access import can_read_places


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("masterdata/", admin_views.dashboard, name="masterdata_dashboard"),
        path("masterdata/review/", admin_views.review_list, name="masterdata_review"),
        path(
            "masterdata/review/<int:pk>/",
            admin_views.review_detail,
            name="masterdata_review_detail",
        ),
        path(
            "masterdata/review/<int:pk>/confirm/",
            admin_views.review_decide,
            {"decision": "confirm"},
            name="masterdata_review_confirm",
        ),
        path(
            "masterdata/review/<int:pk>/reject/",
            admin_views.review_decide,
            {"decision": "reject"},
            name="masterdata_review_reject",
        ),
        path(
            "masterdata/subject-access/",
            admin_views.subject_access_list,
            name="masterdata_subject_access",
        ),
        path(
            "masterdata/subject-access/<int:pk>/",
            admin_views.subject_access_detail,
            name="masterdata_subject_access_detail",
        ),
        path(
            "masterdata/subject-access/<int:pk>/download/",
            admin_views.subject_access_download,
            name="masterdata_subject_access_download",
        ),
        path(
            "masterdata/subject-access/<int:pk>/complete/",
            admin_views.subject_access_complete,
            name="masterdata_subject_access_complete",
        ),
        path("masterdata/people/<int:pk>/", admin_views.person_detail, name="masterdata_person"),
        path(
            "masterdata/people/<int:pk>/<slug:what>/",
            admin_views.person_action,
            name="masterdata_person_action",
        ),
    ]


class MasterDataMenuItem(MenuItem):
    def is_shown(self, request):
        return can_read_places(request.user)


@hooks.register("register_admin_menu_item")
def register_masterdata_menu_item():
    return MasterDataMenuItem(
        "Master data",
        reverse("masterdata_dashboard"),
        name="masterdata",
        icon_name="group",
        order=260,
    )
