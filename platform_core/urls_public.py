"""URLs on the platform's own domain (public schema): site, sign-up, console, platform API."""

from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from platform_core.events import views as events_views
from tenants import views as tenant_views
from tenants.admin import console_urls

urlpatterns = [
    path("", tenant_views.platform_home, name="platform-home"),
    path("join/", tenant_views.council_signup, name="council-signup"),
    path("join/thanks/", tenant_views.council_signup_thanks, name="council-signup-thanks"),
    path(
        "console/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="platform/set_password.html", success_url="/console/"
        ),
        name="console-set-password",
    ),
    path("console/", include("tenants.console.urls")),  # the console's own pages first
    path("console/", console_urls()),  # the Django admin underneath: raw platform tables
    path("platform/api/v1/", include("tenants.api.urls")),
    path("platform/api/v1/catalogue/", include("intelligence.benchmarking.api.platform_urls")),
    path("platform/api/v1/funding/", include("commissioning.fundingregister.api.urls")),
    path("api/v1/", include("platform_core.api.urls_public")),
    path("benchmarks/", include("intelligence.benchmarking.urls_site")),
    path("events/", events_views.catalogue_page, name="events-catalogue-page"),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(urlconf="platform_core.urls_public"),
        name="schema",
    ),
    path("api/schema/docs/", SpectacularRedocView.as_view(url_name="schema"), name="schema-docs"),
]

handler400 = "platform_core.views.bad_request"
handler403 = "platform_core.views.permission_denied"
handler404 = "platform_core.views.page_not_found"
handler500 = "platform_core.views.server_error"
