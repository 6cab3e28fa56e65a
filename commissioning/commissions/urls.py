"""The council website's commissioning pages (before the CMS's catch-all)."""

from django.urls import path

from . import site

urlpatterns = [
    path("opportunities/", site.opportunities, name="commissions-opportunities"),
    path("opportunities/<str:ocid>/", site.opportunity, name="commissions-opportunity"),
    path("priorities/", site.priorities, name="commissions-priorities"),
]
