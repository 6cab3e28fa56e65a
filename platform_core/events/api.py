"""The event catalogue on the platform domain: GET /api/v1/events/catalogue/ lists every type
and version with its schema. Open: it describes event shapes, never a council's events. (One
route without parameters: nothing for the isolation probe to seed.)"""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .outbox import ENVELOPE_SCHEMA
from .registry import catalogue


class CatalogueView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Event catalogue",
        description="Every event type and version, with the JSON Schema of its data and the "
        "CloudEvents 1.0 envelope every event is delivered in.",
        responses={200: OpenApiResponse(description="The catalogue")},
        tags=["events"],
    )
    def get(self, request):
        return Response(
            {
                "specversion": "1.0",
                "envelope": ENVELOPE_SCHEMA,
                "count": len(catalogue()),
                "results": [t.as_dict() for t in catalogue()],
            }
        )


urlpatterns = [
    path("catalogue/", CatalogueView.as_view(), name="events-catalogue"),
]
