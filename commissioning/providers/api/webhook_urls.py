"""Provider accounts' webhook subscriptions under /api/v1/provider/."""

from rest_framework.routers import SimpleRouter

from . import webhooks

router = SimpleRouter(use_regex_path=False)
router.register("webhooks", webhooks.ProviderWebhookViewSet, basename="provider-webhook")

urlpatterns = router.urls
