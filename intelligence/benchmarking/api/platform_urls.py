"""The catalogue in the platform API, mounted at /platform/api/v1/catalogue/."""

from rest_framework.routers import SimpleRouter

from .platform import CatalogueMetricViewSet

router = SimpleRouter()
router.register("metrics", CatalogueMetricViewSet, basename="platform-catalogue-metric")
urlpatterns = router.urls
