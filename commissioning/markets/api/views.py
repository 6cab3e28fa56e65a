"""Markets API at /api/v1/markets/ on the council's domain (staff with markets permission)."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from platform_core.api.viewsets import TenantReadOnlyViewSet

from ..models import Market
from . import serializers as s


class MarketViewSet(TenantReadOnlyViewSet):
    """Each market (a directory category in an area) with its latest figures and alerts;
    ``history`` gives every period's figures, oldest first."""

    serializer_class = s.MarketSerializer
    permission_model = "markets.market"

    def scoped_queryset(self):
        return Market.objects.select_related("term").prefetch_related("figures", "alerts")

    # Every period of one market, oldest first, as one list (a market has a handful of
    # periods): not paginated, and the document says so (no page parameters, an array).
    @extend_schema(responses=s.FiguresSerializer(many=True))
    @action(detail=True, pagination_class=None)
    def history(self, request, pk=None):
        market = self.get_object()
        return Response(s.FiguresSerializer(market.figures.all(), many=True).data)
