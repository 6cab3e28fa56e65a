"""Open APIs on the platform domain, mounted at /api/v1/ (benchmarking adds its include here)."""

urlpatterns: list = []
