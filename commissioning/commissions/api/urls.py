"""Commissions and priorities under /api/v1/commissioning/ (wired in by the ledgers' urls)."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(use_regex_path=False)
router.register("commissions", views.CommissionViewSet, basename="commissioning-commission")
router.register("priorities", views.PriorityViewSet, basename="commissioning-priority")

urlpatterns = router.urls
