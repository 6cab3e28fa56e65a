"""Public benchmarking API, mounted at /api/v1/benchmarks/ on the platform domain."""

from django.urls import path

from . import views

urlpatterns = [
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
