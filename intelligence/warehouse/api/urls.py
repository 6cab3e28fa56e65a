"""The council's warehouse API, mounted at /api/v1/warehouse/ on council domains."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("metrics", views.MetricViewSet, basename="warehouse-metric")
router.register("areas", views.AreaViewSet, basename="warehouse-area")
router.register("observations", views.ObservationViewSet, basename="warehouse-observation")
router.register("kpis", views.KpiViewSet, basename="warehouse-kpi")
router.register("imports", views.ImportViewSet, basename="warehouse-import")
router.register("needs", views.NeedsViewSet, basename="warehouse-needs")
router.register("pool", views.PoolViewSet, basename="warehouse-pool")

urlpatterns = router.urls
