"""/api/v1/provider/webhooks/: a provider account's webhook subscriptions (issue 15).

A provider's person (a ``ProviderAccount``: signed in on the council's domain, or with an API
token) subscribes HTTPS endpoints to the event types the catalogue opens to providers (an
``x-audience`` in the type's schema: opportunities published; their own organisation's directory
changes decided). The endpoints belong to the account's organisation: the relay sends them only
events addressed to every provider or to that organisation
(``platform_core.events.models.WebhookEndpoint.receives``), and every table is in the council's
schema, so another council's events never reach them. Another organisation's endpoint is a 404,
exactly as one that does not exist; anyone without a provider account gets 403. Council
administrators see and manage every endpoint, providers' included, in the admin (Settings >
Webhooks)."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status
from rest_framework.response import Response

from platform_core.api.viewsets import TenantGenericViewSet
from platform_core.events import transport, webhooks
from platform_core.events.models import WebhookEndpoint

from ..models import ProviderAccount

INVALID = OpenApiResponse(description="Invalid input, naming the field.")


def _account(user) -> ProviderAccount | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ProviderAccount.objects.filter(user=user).select_related("organization").first()


class IsProviderAccount(permissions.BasePermission):
    message = "Only a provider account can manage provider webhook subscriptions."

    def has_permission(self, request, view):
        return _account(request.user) is not None


class ProviderWebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = serializers.URLField(max_length=500, help_text="https:// address to POST events to")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    event_types = serializers.ListField(
        child=serializers.CharField(max_length=120),
        min_length=1,
        max_length=50,
        help_text="Event types from the catalogue whose audience includes providers",
    )
    active = serializers.BooleanField(read_only=True)
    disabled_reason = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class ProviderWebhookCreatedSerializer(ProviderWebhookSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The signing secret: shown once, at creation"
    )


class ProviderWebhookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    TenantGenericViewSet,
):
    serializer_class = ProviderWebhookSerializer
    # A provider account, not a staff group or model permission: the organisation is the scope.
    permission_classes = [permissions.IsAuthenticated, IsProviderAccount]
    lookup_value_converter = "int"

    def organization_id(self) -> str:
        account = _account(self.request.user)
        if account is None:  # checked by the permission; never reached
            raise Http404
        return str(account.organization_id)

    def scoped_queryset(self):
        return WebhookEndpoint.objects.filter(organization=self.organization_id()).order_by("id")

    @extend_schema(
        request=ProviderWebhookSerializer,
        responses={201: ProviderWebhookCreatedSerializer, 400: INVALID},
    )
    def create(self, request):
        serializer = ProviderWebhookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            endpoint = webhooks.create_endpoint(
                request.user,
                url=data["url"],
                event_types=data["event_types"],
                description=data.get("description", ""),
                organization=self.organization_id(),
            )
        except transport.UnsafeURL as exc:
            raise serializers.ValidationError({"url": [str(exc)]}) from exc
        except ValueError as exc:
            raise serializers.ValidationError({"event_types": [str(exc)]}) from exc
        return Response(
            ProviderWebhookCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )

    def perform_destroy(self, instance):
        webhooks.delete_endpoint(self.request.user, instance)
