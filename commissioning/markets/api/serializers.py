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
            "latest",
            "alerts",
        ]

    def _figures(self, market):
        figures = list(market.figures.all())
        return figures[-1] if figures else None

    def get_latest(self, market) -> dict | None:
        latest = self._figures(market)
        return {"period": latest.period, **latest.figures} if latest else None

    def get_alerts(self, market) -> list[dict]:
        return AlertSerializer(market.alerts.all(), many=True).data


class FiguresSerializer(serializers.ModelSerializer):
    class Meta:
        model = MarketFigures
        fields = ["period", "period_start", "figures"]
