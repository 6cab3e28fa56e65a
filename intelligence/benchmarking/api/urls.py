"""URLs arrive with this app's issue."""

urlpatterns: list = []
