"""Response shapes of the public benchmarking API (for the OpenAPI schema and the metric list)."""

from rest_framework import serializers

from ..actions import CATALOGUE_FIELDS
from ..models import PoolMetric


class MetricSerializer(serializers.ModelSerializer):
    """A catalogue metric, with how many councils report it and when one last published it."""

    councils_reporting = serializers.IntegerField(read_only=True)
    last_published_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = PoolMetric
        fields = [*CATALOGUE_FIELDS, "last_published_at", "councils_reporting"]


class CatalogueMetricSerializer(serializers.ModelSerializer):
    """A catalogue metric as platform staff define it (platform API)."""

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
            "theme",
            "is_context",
            "precision",
            "lginform_id",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        extra_kwargs = {"metric_id": {"validators": []}}  # uniqueness: the action's


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
    precision = serializers.IntegerField(help_text="decimal places the figures are shown with")


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
    subject = serializers.BooleanField(help_text="this peer is the council compared")


class CompareSerializer(serializers.Serializer):
    metric = MetricBriefSerializer()
    council = MemberSerializer()
    period = serializers.CharField(allow_null=True)
    period_basis = serializers.ChoiceField(
        choices=["requested", "latest_shared_by_most"],
        help_text="requested: the period asked for; latest_shared_by_most: none was asked for, "
        "so the latest period that most of the group's publishing councils have a value for",
    )
    group = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()
    rank = serializers.IntegerField(
        allow_null=True, help_text="1 = best; null when the group has fewer than two values"
    )
    quartile = serializers.IntegerField(
        allow_null=True,
        help_text="1 = best quarter, from the value against lower_quartile, median and "
        "upper_quartile by polarity; null when the group has fewer than two values",
    )
    median = serializers.FloatField(allow_null=True)
    lower_quartile = serializers.FloatField(allow_null=True)
    upper_quartile = serializers.FloatField(allow_null=True)
    group_size = serializers.IntegerField(help_text="councils in the group")
    values_count = serializers.IntegerField(
        help_text="councils in the group with a usable value for the period"
    )
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
