"""The markets API, mounted at /api/v1/markets/ on council domains."""

from rest_framework.routers import SimpleRouter

from .views import MarketViewSet

router = SimpleRouter()
router.register("", MarketViewSet, basename="markets-market")
urlpatterns = router.urls
