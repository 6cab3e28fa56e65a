from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response

from platform_core.db import connection


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


IndexSerializer = inline_serializer(
    "ApiIndex",
    {
        "name": serializers.CharField(),
        "description": serializers.CharField(),
        "links": serializers.DictField(child=serializers.CharField()),
        "schema": serializers.CharField(),
    },
)


def api_index(name: str, description: str, links: dict[str, str], schema: str = "/api/schema/"):
    """A view for an API's root: what is there, as absolute links (no sign-in needed)."""
    from rest_framework.permissions import AllowAny

    @extend_schema(responses=IndexSerializer, auth=[], description=description)
    @api_view(["GET"])
    @permission_classes([AllowAny])
    def index(request):
        return Response(
            {
                "name": name,
                "description": description,
                "links": {key: request.build_absolute_uri(url) for key, url in links.items()},
                "schema": request.build_absolute_uri(schema),
            }
        )

    index.__name__ = f"{name.lower().replace(' ', '_')}_index"  # type: ignore[attr-defined]
    return index
