"""Response shapes of the public benchmarking API (for the OpenAPI schema and the metric list)."""

from rest_framework import serializers

from ..models import PoolMetric


class MetricSerializer(serializers.ModelSerializer):
    councils_reporting = serializers.IntegerField(read_only=True)

    class Meta:
        model = PoolMetric
        fields = [
            "metric_id",
            "title",
            "description",
            "unit",
            "polarity",
            "kind",
            "source",
            "is_context",
            "last_published_at",
            "councils_reporting",
        ]


class ValueSerializer(serializers.Serializer):
    gss_code = serializers.CharField()
    council = serializers.CharField()
    tier = serializers.CharField()
    region = serializers.CharField()
    period = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()
    embargo_until = serializers.DateField(allow_null=True)
    published_at = serializers.DateTimeField()
    source_period = serializers.CharField()


class MetricBriefSerializer(serializers.Serializer):
    metric_id = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.CharField()
    polarity = serializers.CharField()
    kind = serializers.CharField()


class MemberSerializer(serializers.Serializer):
    gss_code = serializers.CharField()
    name = serializers.CharField()
    tier = serializers.CharField()
    region = serializers.CharField()


class PeerSerializer(serializers.Serializer):
    gss_code = serializers.CharField()
    council = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()
    rank = serializers.IntegerField(allow_null=True)


class CompareSerializer(serializers.Serializer):
    metric = MetricBriefSerializer()
    council = MemberSerializer()
    period = serializers.CharField(allow_null=True)
    group = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()
    rank = serializers.IntegerField(allow_null=True)
    quartile = serializers.IntegerField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    lower_quartile = serializers.FloatField(allow_null=True)
    upper_quartile = serializers.FloatField(allow_null=True)
    group_size = serializers.IntegerField()
    values_count = serializers.IntegerField()
    peers = PeerSerializer(many=True)


class SeriesPointSerializer(serializers.Serializer):
    period = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()
    rank = serializers.IntegerField(allow_null=True)
    group_median = serializers.FloatField(allow_null=True)
    group_lower_quartile = serializers.FloatField(allow_null=True)
    group_upper_quartile = serializers.FloatField(allow_null=True)
    values_count = serializers.IntegerField()


class SeriesSerializer(serializers.Serializer):
    metric = MetricBriefSerializer()
    council = MemberSerializer()
    group = serializers.CharField()
    group_size = serializers.IntegerField()
    points = SeriesPointSerializer(many=True)
