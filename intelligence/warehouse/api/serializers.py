from rest_framework import serializers

from ..models import Area, Kpi, Metric, Observation


class MetricSerializer(serializers.ModelSerializer):
    class Meta:
        model = Metric
        fields = [
            "metric_id",
            "title",
            "description",
            "unit",
            "polarity",
            "kind",
            "category",
            "source",
            "lginform_id",
            "shared",
            "pool_metric",
            "embargo_until",
        ]


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["code", "name", "kind", "parent_code"]


class ObservationSerializer(serializers.ModelSerializer):
    metric_id = serializers.CharField(source="metric.metric_id", read_only=True)

    class Meta:
        model = Observation
        fields = ["metric_id", "area_code", "period", "value", "numerator", "denominator"]


class KpiSerializer(serializers.ModelSerializer):
    metric_id = serializers.SlugRelatedField(
        source="metric", slug_field="metric_id", queryset=Metric.objects.all()
    )
    title = serializers.CharField(required=False, allow_blank=True)
    targets = serializers.DictField(child=serializers.FloatField(), required=False, write_only=True)
    latest = serializers.SerializerMethodField()

    class Meta:
        model = Kpi
        fields = [
            "id",
            "metric_id",
            "title",
            "amber_tolerance_percent",
            "order",
            "targets",
            "latest",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["title"] = instance.display_title
        data["targets"] = {t.period: t.target for t in instance.targets.all()}
        return data

    def get_latest(self, kpi) -> dict | None:
        from ..tenancy import current_council_code

        obs = (
            Observation.objects.filter(metric=kpi.metric, area_code=current_council_code())
            .order_by("-period_start")
            .first()
        )
        if obs is None:
            return None
        target = next((t.target for t in kpi.targets.all() if t.period == obs.period), None)
        return {
            "period": obs.period,
            "value": obs.value,
            "target": target,
            "status": kpi.status(obs.value, target),
        }


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class PublishSerializer(serializers.Serializer):
    embargo_until = serializers.DateField(required=False, allow_null=True)


class PoolKeySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)


class PeerGroupSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    members = serializers.ListField(child=serializers.CharField(max_length=9), min_length=1)
