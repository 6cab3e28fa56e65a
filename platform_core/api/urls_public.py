"""Open APIs on the platform domain, mounted at /api/v1/."""

from django.urls import include, path

urlpatterns = [
    path("benchmarks/", include("intelligence.benchmarking.api.urls")),
    path("events/", include("platform_core.events.api")),
]
