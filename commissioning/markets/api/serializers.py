from rest_framework import serializers

from ..models import Alert, Market, MarketFigures


class AlertSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alert
        fields = ["id", "kind", "period", "message", "raised_at"]


class MarketSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    category = serializers.CharField(source="term.name", read_only=True)
    category_id = serializers.UUIDField(source="term_id", read_only=True)
    latest = serializers.SerializerMethodField(
        help_text="The latest period's figures: providers, spend, spend_by_source (commitments, "
        "imported), hhi, cr3, top_share, shares (provider, share, source: commitments or "
        "imported), superseded (imported lines set aside for a commitment), entries, exits, "
        "unit_costs (quartiles), ratings (mix and poor share), capacity, demand"
    )
    alerts = serializers.SerializerMethodField()
    supply = serializers.SerializerMethodField(
        help_text="Capacity against demand: capacity, capacity_unit, capacity_source (providers: "
        "imported provider capacity; market: entered on the market), providers (capacity by "
        "provider), min_capacity, demand (the latest value of demand_metric in the area, from "
        "the warehouse), demand_metric, demand_title, demand_period, utilisation (demand as a "
        "percentage of capacity), as_of"
    )

    class Meta:
        model = Market
        fields = [
            "id",
            "name",
            "category",
            "category_id",
            "area_code",
            "area_name",
            "capacity",
            "capacity_unit",
            "min_capacity",
            "demand_metric_id",
            "supply",
            "latest",
            "alerts",
        ]

    def _figures(self, market):
        figures = list(market.figures.all())
        return figures[-1] if figures else None

    def get_latest(self, market) -> dict | None:
        latest = self._figures(market)
        return {"period": latest.period, **latest.figures} if latest else None

    def get_supply(self, market) -> dict:
        return market.supply or {}

    def get_alerts(self, market) -> list[dict]:
        return AlertSerializer(market.alerts.all(), many=True).data


class FiguresSerializer(serializers.ModelSerializer):
    class Meta:
        model = MarketFigures
        fields = ["period", "period_start", "figures"]
