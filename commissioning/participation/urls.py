"""Public participatory budgeting pages, mounted at /participate/ on council domains."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="participation_index"),
    path("<slug:slug>/", views.process_page, name="participation_process"),
    path("<slug:slug>/propose/", views.propose, name="participation_propose"),
    path("<slug:slug>/vote/", views.vote, name="participation_vote"),
    path("<slug:slug>/thanks/<slug:what>/", views.thanks, name="participation_thanks"),
]
