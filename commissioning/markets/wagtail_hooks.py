from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem


@hooks.register("register_admin_urls")
def markets_admin_urls():
    from . import admin_views

    urls = [
        path("", admin_views.dashboard, name="dashboard"),
        path("<int:pk>/", admin_views.market, name="market"),
        path("<int:pk>/edit/", admin_views.edit, name="edit"),
        path("import/spend/", admin_views.import_spend, name="import-spend"),
        path("import/ratings/", admin_views.import_ratings, name="import-ratings"),
        path("import/capacity/", admin_views.import_capacity, name="import-capacity"),
    ]
    return [path("markets/", include((urls, "markets_admin"), namespace="markets_admin"))]


class MarketsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("markets.view_market")


@hooks.register("register_admin_menu_item")
def markets_menu_item():
    return MarketsMenuItem(
        "Markets", reverse("markets_admin:dashboard"), icon_name="table", order=320
    )
