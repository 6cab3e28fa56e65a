from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response


@extend_schema(
    responses=inline_serializer(
        "Me",
        {
            "username": serializers.CharField(),
            "council": serializers.CharField(),
            "groups": serializers.ListField(),
        },
    )
)
@api_view(["GET"])
def whoami(request):
    """The signed-in staff member and the council this domain belongs to."""
    return Response(
        {
            "username": request.user.get_username(),
            "council": connection.tenant.slug,
            "groups": sorted(request.user.groups.values_list("name", flat=True)),
        }
    )
