"""Council APIs, mounted at /api/v1/ on each council's domain."""

from django.urls import include, path

from platform_core.api.views import whoami

urlpatterns = [
    path("markets/", include("commissioning.markets.api.urls")),
    path("me/", whoami, name="api-me"),
    path("records/", include("records.api.urls")),
    path("warehouse/", include("intelligence.warehouse.api.urls")),
    path("masterdata/", include("intelligence.masterdata.api.urls")),
    path("commissioning/", include("commissioning.ledgers.api.urls")),
    path("funding/", include("commissioning.funding.api.urls")),
    path("360giving/", include("commissioning.funding.api.giving_urls")),
    path("participation/", include("commissioning.participation.api.urls")),
    path("commissioning/", include("commissioning.commissions.api.urls")),
    path("ocds/", include("commissioning.commissions.api.ocds_urls")),
    path("provider/", include("commissioning.providers.api.webhook_urls")),
]
