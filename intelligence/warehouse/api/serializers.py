from rest_framework import serializers

from platform_core.api.fields import BoundedDateField

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


class TargetsField(serializers.DictField):
    """Targets per period, written and read as {"2025-26": 80.0}."""

    def get_attribute(self, instance):
        return {t.period: t.target for t in instance.targets.all()}


class KpiSerializer(serializers.ModelSerializer):
    metric_id = serializers.SlugRelatedField(
        source="metric", slug_field="metric_id", queryset=Metric.objects.all()
    )
    # Kpi.title's length: a longer title was a 500 (the database's varchar(200)).
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    targets = TargetsField(child=serializers.FloatField(), required=False)
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

    def validate_targets(self, targets):
        if len(targets) > 1000:
            raise serializers.ValidationError("Give at most 1000 periods' targets at once.")
        return targets

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["title"] = instance.display_title
        return data

    def get_latest(self, kpi) -> dict | None:
        from tenants.access import current_council_code

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


class PoolPublishSerializer(serializers.Serializer):
    embargo_until = BoundedDateField(required=False, allow_null=True)


class PoolKeySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)


class PeerGroupSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    members = serializers.ListField(
        child=serializers.CharField(max_length=9), min_length=1, max_length=500
    )


# Response shapes (for the OpenAPI document).
class ObservationImportResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    batch_id = serializers.IntegerField(allow_null=True)


class NeedRankSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    area_code = serializers.CharField()
    area_name = serializers.CharField()
    score = serializers.FloatField()
    values = serializers.DictField(child=serializers.FloatField(allow_null=True))


class NeedsSerializer(serializers.Serializer):
    period = serializers.CharField()
    level = serializers.CharField()
    results = NeedRankSerializer(many=True)


class PublishResultSerializer(serializers.Serializer):
    metrics = serializers.IntegerField()
    values = serializers.IntegerField()
    suppressed = serializers.IntegerField()
    withdrawn = serializers.IntegerField()


class PoolKeyListSerializer(serializers.Serializer):
    name = serializers.CharField()
    prefix = serializers.CharField()
    created_at = serializers.DateTimeField()


class IssuedPoolKeySerializer(serializers.Serializer):
    name = serializers.CharField()
    prefix = serializers.CharField()
    key = serializers.CharField(help_text="Shown once; store it now.")


class PeerGroupListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    members = serializers.ListField(child=serializers.CharField())


class CreatedPeerGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
