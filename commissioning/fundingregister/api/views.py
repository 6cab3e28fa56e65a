"""The platform-wide register in the platform API (/platform/api/v1/funding/calls/): platform
staff with the register's model permissions list, add, change, delete and import calls."""

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from platform_core.api.permissions import PlatformModelPermissions

from .. import actions
from ..callfile import CallFileError
from ..models import PlatformCall
from . import serializers as s


class PlatformCallViewSet(viewsets.ModelViewSet):
    permission_classes = [PlatformModelPermissions]
    serializer_class = s.PlatformCallSerializer
    queryset = PlatformCall.objects.all()

    def perform_create(self, serializer):
        serializer.instance = actions.save_platform_call(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = actions.save_platform_call(
            serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        actions.delete_platform_call(instance)

    @extend_schema(request=s.CallImportSerializer, responses={201: s.ImportResultSerializer})
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_file(self, request):
        """Import a CSV or JSON file of calls: every problem with its line or JSON path; nothing
        is imported from a file with a problem. A call with a known reference is updated."""
        payload = s.CallImportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        try:
            result = actions.import_platform_calls(
                upload.read(),
                filename=upload.name or "",
                fmt=payload.validated_data.get("format", ""),
            )
        except CallFileError as exc:
            raise ValidationError({"file": exc.problems}) from None
        return Response(result.__dict__, status=status.HTTP_201_CREATED)
