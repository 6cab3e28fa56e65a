"""The benchmarking page on the platform site, included at /benchmarks/."""

from django.urls import path

from . import views

urlpatterns = [path("", views.benchmark_page, name="benchmark-page")]
