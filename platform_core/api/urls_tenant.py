"""Council APIs, mounted at /api/v1/ on each council's domain. Each app adds its own include."""

from django.urls import path

from platform_core.api.views import whoami

urlpatterns = [
    path("me/", whoami, name="api-me"),
]
