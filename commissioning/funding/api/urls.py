"""The council's funding API, mounted at /api/v1/funding/ on council domains."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("calls", views.CallViewSet, basename="funding-call")
router.register("matches", views.MatchViewSet, basename="funding-match")
router.register("grants", views.GrantViewSet, basename="funding-grant")
router.register("grants-data", views.ExternalGrantViewSet, basename="funding-grants-data")
router.register("searches", views.SavedSearchViewSet, basename="funding-search")
urlpatterns = router.urls
