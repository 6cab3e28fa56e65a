"""/api/v1/ocds/ on each council's domain."""

from django.urls import path

from . import ocds_views

urlpatterns = [
    path("releases/", ocds_views.releases, name="ocds-releases"),
    path("records/<str:ocid>/", ocds_views.record, name="ocds-record"),
]
