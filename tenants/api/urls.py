from rest_framework.routers import SimpleRouter

from .views import CouncilViewSet

router = SimpleRouter()
router.register("councils", CouncilViewSet, basename="platform-council")
urlpatterns = router.urls
