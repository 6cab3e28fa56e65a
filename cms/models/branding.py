"""Per-council branding, edited in Wagtail's settings: name, logo, colour, footer, contact, social."""

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import StreamField

from cms.blocks import LinkBlock, SocialLinkBlock
from cms.colour import contrast_ratio, hex_colour

MIN_CONTRAST = 4.5  # WCAG 2.2 AA for normal text: white text on the brand colour


@register_setting(icon="site")
class CouncilBranding(BaseGenericSetting):
    council_name = models.CharField(
        max_length=120, blank=True, help_text="Defaults to the council's registered name."
    )
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    brand_colour = models.CharField(
        max_length=7,
        default="#1d70b8",
        validators=[hex_colour],
        help_text="Header colour; white text must have a contrast of at least 4.5:1 on it.",
    )
    footer_links = StreamField([("link", LinkBlock())], blank=True, use_json_field=True)
    contact_address = models.TextField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    social_links = StreamField([("social", SocialLinkBlock())], blank=True, use_json_field=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("council_name"), FieldPanel("logo"), FieldPanel("brand_colour")],
            heading="Identity",
        ),
        FieldPanel("footer_links"),
        MultiFieldPanel(
            [
                FieldPanel("contact_address"),
                FieldPanel("contact_phone"),
                FieldPanel("contact_email"),
            ],
            heading="Contact details",
        ),
        FieldPanel("social_links"),
    ]

    class Meta:
        verbose_name = "branding"

    def clean(self):
        super().clean()
        try:
            hex_colour(self.brand_colour)
        except ValidationError:
            return  # the field's own validator reports it
        ratio = contrast_ratio(self.brand_colour, "#ffffff")
        if ratio < MIN_CONTRAST:
            raise ValidationError(
                {
                    "brand_colour": (
                        f"White text on {self.brand_colour} has a contrast of {ratio:.2f}:1; "
                        f"at least {MIN_CONTRAST}:1 is needed. Choose a darker colour."
                    )
                }
            )


def contact_details() -> dict:
    """The current council's contact details (its branding settings), for the platform's
    suspended page (registered with ``platform_core.councilcontact``)."""
    branding = CouncilBranding.objects.first()
    if branding is None:
        return {}
    return {
        "phone": branding.contact_phone,
        "email": branding.contact_email,
        "address": branding.contact_address,
    }
