from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from platform_core.api.permissions import PlatformModelPermissions
from tenants import actions
from tenants.models import Council

from .serializers import CouncilSerializer, ProvisionCouncilSerializer, ProvisionedCouncilSerializer


class CouncilViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Councils on the platform, for platform staff with the council permissions (view to read,
    add to provision). POST provisions a new council; its first administrator is emailed a
    set-password link, which the response never contains."""

    permission_classes = [PlatformModelPermissions]
    serializer_class = CouncilSerializer
    lookup_field = "slug"
    queryset = Council.objects.exclude(schema_name="public").prefetch_related("domains")

    @extend_schema(
        request=ProvisionCouncilSerializer, responses={201: ProvisionedCouncilSerializer}
    )
    def create(self, request):
        payload = ProvisionCouncilSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        result = actions.provision_council(**payload.validated_data, actor=request.user)
        return Response(ProvisionedCouncilSerializer(result).data, status=status.HTTP_201_CREATED)
