"""Public benchmarking API, mounted at /api/v1/benchmarks/ on the platform domain."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from platform_core.api.views import api_index

from . import views

index = api_index(
    "Benchmarks",
    "Open benchmarking of councils: metrics, every council's published values, a council "
    "against its peers, and time series. JSON or CSV (?format=csv); an API key is optional.",
    {"metrics": "/api/v1/benchmarks/metrics/"},
)

urlpatterns = [
    path("", index, name="benchmarks-index"),
    # The platform domain's OpenAPI schema (its /api/schema/ describes the council URLconf).
    path(
        "schema/",
        SpectacularAPIView.as_view(urlconf="platform_core.urls_public"),
        name="benchmarks-schema",
    ),
    path("metrics/", views.MetricListView.as_view(), name="benchmarks-metrics"),
    path(
        "metrics/<str:metric_id>/values/",
        views.MetricValuesView.as_view(),
        name="benchmarks-values",
    ),
    path(
        "metrics/<str:metric_id>/compare/<str:gss_code>/",
        views.CompareView.as_view(),
        name="benchmarks-compare",
    ),
    path(
        "metrics/<str:metric_id>/series/<str:gss_code>/",
        views.SeriesView.as_view(),
        name="benchmarks-series",
    ),
]
