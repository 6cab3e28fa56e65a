"""Mounted at /api/v1/participation/ on council domains."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("processes", views.ProcessViewSet, basename="participation-process")
router.register("proposals", views.ProposalViewSet, basename="participation-proposal")
urlpatterns = router.urls
