"""/api/v1/records/ on each council's domain."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from platform_core.api.views import api_index

from . import views

BASE = "/api/v1/records/"
index = api_index(
    "Records",
    "The council's records: file plan, records and their versions, legal holds, disposal, "
    "decisions, policies and the audit log.",
    {
        name: BASE + name + "/"
        for name in (
            "classes",
            "records",
            "holds",
            "disposal-batches",
            "decisions",
            "policies",
            "action-items",
            "audit",
        )
    }
    | {
        "open-decisions-json": BASE + "open/decisions.json",
        "open-decisions-csv": BASE + "open/decisions.csv",
    },
)

# Path converters (not regexes): typed ids, and routes the isolation probe can fill in.
router = SimpleRouter(use_regex_path=False)
router.register("classes", views.FilePlanClassViewSet, basename="records-class")
router.register("records", views.RecordViewSet, basename="records-record")
router.register("holds", views.LegalHoldViewSet, basename="records-hold")
router.register("disposal-batches", views.DisposalBatchViewSet, basename="records-disposal-batch")
router.register("decisions", views.DecisionViewSet, basename="records-decision")
router.register("policies", views.PolicyViewSet, basename="records-policy")
router.register("action-items", views.ActionItemViewSet, basename="records-action-item")
router.register("audit", views.AuditEntryViewSet, basename="records-audit")

urlpatterns = [
    path("", index, name="records-index"),
    path("open/decisions.json", views.open_decisions_json, name="records-open-decisions-json"),
    path("open/decisions.csv", views.open_decisions_csv, name="records-open-decisions-csv"),
    *router.urls,
]
