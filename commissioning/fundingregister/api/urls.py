"""The register in the platform API, mounted at /platform/api/v1/funding/."""

from rest_framework.routers import SimpleRouter

from .views import PlatformCallViewSet

router = SimpleRouter()
router.register("calls", PlatformCallViewSet, basename="platform-funding-call")
urlpatterns = router.urls
