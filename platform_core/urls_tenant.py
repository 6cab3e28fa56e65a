"""URLs on a council's own domain (schema = that council)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from platform_core import views

urlpatterns = [
    path("media/<path:name>", views.serve_media, name="media"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", include("platform_core.api.urls_tenant")),
    path("openreferral/", include("commissioning.providers.api.urls")),
    path("participate/", include("commissioning.participation.urls")),
    # Commissioning pages on the council website (opportunities, priorities).
    path("", include("commissioning.commissions.urls")),
    path("provider/", include("commissioning.providers.urls")),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(urlconf="platform_core.urls_tenant"),
        name="schema",
    ),
    path("api/schema/docs/", SpectacularRedocView.as_view(url_name="schema"), name="schema-docs"),
    # The council website: search, sitemap, robots, then Wagtail pages behind the page cache.
    path("", include("cms.urls")),
]

handler400 = "platform_core.views.bad_request"
handler403 = "platform_core.views.permission_denied"
handler404 = "platform_core.views.page_not_found"
handler500 = "platform_core.views.server_error"
