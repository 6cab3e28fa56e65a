"""The council's warehouse API, mounted at /api/v1/warehouse/ on council domains."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from platform_core.api.views import api_index

from . import views

BASE = "/api/v1/warehouse/"
index = api_index(
    "Warehouse",
    "The council's data warehouse: metrics, areas, observations and imports, KPIs, needs "
    "ranking, and its side of the benchmarking pool.",
    {
        name: BASE + name + "/"
        for name in (
            "metrics",
            "areas",
            "observations",
            "kpis",
            "imports",
            "needs",
            "pool/publish",
            "pool/keys",
            "pool/groups",
        )
    },
)

router = SimpleRouter()
router.register("metrics", views.MetricViewSet, basename="warehouse-metric")
router.register("areas", views.AreaViewSet, basename="warehouse-area")
router.register("observations", views.ObservationViewSet, basename="warehouse-observation")
router.register("kpis", views.KpiViewSet, basename="warehouse-kpi")
router.register("imports", views.ImportViewSet, basename="warehouse-import")
router.register("needs", views.NeedsViewSet, basename="warehouse-needs")
router.register("pool", views.PoolViewSet, basename="warehouse-pool")

urlpatterns = [path("", index, name="warehouse-index"), *router.urls]
