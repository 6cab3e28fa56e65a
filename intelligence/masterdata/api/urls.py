"""The council's master data API, mounted at /api/v1/masterdata/ on council domains."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("sources", views.SourceViewSet, basename="masterdata-source")
router.register("imports", views.ImportViewSet, basename="masterdata-import")
router.register("people", views.PersonViewSet, basename="masterdata-person")
router.register("person-records", views.PersonRecordViewSet, basename="masterdata-person-record")
router.register("places", views.PlaceViewSet, basename="masterdata-place")
router.register("review", views.ReviewViewSet, basename="masterdata-review")
router.register("subject-access", views.SubjectAccessViewSet, basename="masterdata-subject-access")
router.register("resolve", views.ResolveViewSet, basename="masterdata-resolve")
router.register("export", views.ExportViewSet, basename="masterdata-export")

urlpatterns = router.urls
