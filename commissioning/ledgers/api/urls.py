"""/api/v1/commissioning/ on each council's domain."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from platform_core.api.views import api_index

from . import views

BASE = "/api/v1/commissioning/"
index = api_index(
    "Commissioning",
    "Commissioners (council services, ward councillors, personal budget holders, partner "
    "bodies, private organisations), their budgets with double-entry ledgers, and commitments.",
    {name: BASE + name + "/" for name in ("commissioners", "budgets", "commitments")},
)

router = SimpleRouter(use_regex_path=False)
router.register("commissioners", views.CommissionerViewSet, basename="commissioning-commissioner")
router.register("budgets", views.BudgetViewSet, basename="commissioning-budget")
router.register("commitments", views.CommitmentViewSet, basename="commissioning-commitment")

urlpatterns = [path("", index, name="commissioning-index"), *router.urls]
