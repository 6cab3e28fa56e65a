from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    GoldenPerson,
    GoldenPlace,
    Lineage,
    PersonRecord,
    PlaceRecord,
    ReviewPair,
    Source,
    SubjectAccessRequest,
)


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "name", "owner", "kind", "trust_rank", "created_at", "last_imported_at"]


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=["people", "places", "gazetteer"])
    source = serializers.SlugField(max_length=80, required=False)
    partial = serializers.BooleanField(default=False)
    owner = serializers.CharField(max_length=200, required=False, default="")
    trust_rank = serializers.IntegerField(min_value=0, max_value=1000, required=False)

    def validate(self, attrs):
        if attrs["kind"] != "gazetteer" and not attrs.get("source"):
            raise serializers.ValidationError({"source": ["required for people and places"]})
        return attrs


class PersonRecordSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source.name")
    source_id = serializers.CharField(source="source_ref")
    golden_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = PersonRecord
        fields = [
            "id",
            "source",
            "source_id",
            "golden_id",
            "first_name",
            "surname",
            "date_of_birth",
            "postcode",
            "address",
            "email",
            "phone",
            "match_probability",
            "updated_at",
        ]


class LineageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lineage
        fields = ["event", "from_id", "to_id", "created_at"]


class GoldenPersonSerializer(serializers.ModelSerializer):
    merged_into = serializers.IntegerField(source="merged_into_id", allow_null=True)

    class Meta:
        model = GoldenPerson
        fields = [
            "id",
            "status",
            "merged_into",
            "first_name",
            "surname",
            "date_of_birth",
            "postcode",
            "address",
            "email",
            "phone",
            "record_count",
            "updated_at",
        ]


class GoldenPersonDetailSerializer(GoldenPersonSerializer):
    records = PersonRecordSerializer(many=True, read_only=True)
    lineage = serializers.SerializerMethodField()

    class Meta(GoldenPersonSerializer.Meta):
        fields = [*GoldenPersonSerializer.Meta.fields, "records", "lineage"]

    @extend_schema_field(LineageSerializer(many=True))
    def get_lineage(self, person):
        from django.db.models import Q

        rows = Lineage.objects.filter(Q(from_id=person.pk) | Q(to_id=person.pk), kind="people")
        return LineageSerializer(rows, many=True).data


class PlaceRecordSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source.name")
    source_id = serializers.CharField(source="source_ref")
    golden_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = PlaceRecord
        fields = [
            "id",
            "source",
            "source_id",
            "golden_id",
            "uprn",
            "usrn",
            "address",
            "postcode",
            "match_method",
            "match_score",
            "updated_at",
        ]


class GoldenPlaceSerializer(serializers.ModelSerializer):
    merged_into = serializers.IntegerField(source="merged_into_id", allow_null=True)

    class Meta:
        model = GoldenPlace
        fields = [
            "id",
            "status",
            "merged_into",
            "uprn",
            "usrn",
            "address",
            "postcode",
            "in_gazetteer",
            "record_count",
            "updated_at",
        ]


class GoldenPlaceDetailSerializer(GoldenPlaceSerializer):
    records = PlaceRecordSerializer(many=True, read_only=True)

    class Meta(GoldenPlaceSerializer.Meta):
        fields = [*GoldenPlaceSerializer.Meta.fields, "records"]


class ReviewPairSerializer(serializers.ModelSerializer):
    # A pair is of two people or of a place and its candidate: the other two are null.
    person_a = PersonRecordSerializer(read_only=True, allow_null=True)
    person_b = PersonRecordSerializer(read_only=True, allow_null=True)
    place_record = PlaceRecordSerializer(read_only=True, allow_null=True)
    place_candidate = GoldenPlaceSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ReviewPair
        fields = [
            "id",
            "kind",
            "status",
            "match_weight",
            "match_probability",
            "explanation",
            "person_a",
            "person_b",
            "place_record",
            "place_candidate",
            "created_at",
            "decided_at",
            "decided_by",
        ]


class MergeSerializer(serializers.Serializer):
    other = serializers.IntegerField(help_text="the golden id to merge into this one")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, default="")


class ErasureSerializer(serializers.Serializer):
    golden_id = serializers.IntegerField(help_text="the golden person erased")
    source_records = serializers.IntegerField(help_text="how many source records went with it")


class SubjectAccessCreateSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=100, required=False, default="")


class SubjectAccessSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubjectAccessRequest
        fields = [
            "id",
            "golden_id",
            "reference",
            "requested_at",
            "due_date",
            "requested_by",
            "status",
            "completed_at",
        ]


class ResolveSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["people", "places"])
