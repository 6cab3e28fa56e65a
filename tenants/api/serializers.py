from rest_framework import serializers

from tenants.models import Council, Region, Tier


class CouncilSerializer(serializers.ModelSerializer):
    domains = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Council
        fields = [
            "slug",
            "name",
            "gss_code",
            "tier",
            "region",
            "status",
            "admin_invitation",
            "schema_name",
            "domains",
            "url",
            "created_at",
        ]

    def get_domains(self, obj) -> list[str]:
        return [d.domain for d in obj.domains.all()]

    def get_url(self, obj) -> str:
        return obj.site_url()


class ProvisionCouncilSerializer(serializers.Serializer):
    """Shape only; the rules (uniqueness, GSS prefixes, reserved slugs) live in the action."""

    name = serializers.CharField(max_length=200)
    slug = serializers.CharField(max_length=40)
    gss_code = serializers.CharField(max_length=20)
    tier = serializers.ChoiceField(choices=Tier.choices)
    region = serializers.ChoiceField(choices=Region.choices, required=False, allow_blank=True)
    admin_email = serializers.EmailField()


class ProvisionedCouncilSerializer(serializers.Serializer):
    """The new council. The administrator's set-password link is sent by email only;
    ``admin_invitation`` says whether that email went ("sent") or not ("failed": the console's
    "Email a new set-password link" sends another)."""

    council = CouncilSerializer()
    admin_email = serializers.EmailField()
    admin_invitation = serializers.ChoiceField(
        source="council.admin_invitation", choices=Council.Invitation.choices
    )
