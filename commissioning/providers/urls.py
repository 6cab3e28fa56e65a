"""Provider accounts' pages on a council's domain, at /provider/."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "provider"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path(
        "sign-out/", auth_views.LogoutView.as_view(next_page="/provider/sign-in/"), name="sign-out"
    ),
    path("set-password/<str:token>/", views.set_password, name="set-password"),
    path("services/<uuid:pk>/", views.edit_service, name="edit-service"),
    path("services/<uuid:pk>/reviewed/", views.mark_reviewed, name="mark-reviewed"),
    path("opportunities/", views.opportunities, name="opportunities"),
    path("opportunities/<int:pk>/bid/", views.bid, name="bid"),
]
