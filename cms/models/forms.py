"""Form pages: Wagtail forms whose submissions are stored and emailed."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.forms import FormBuilder
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from platform_core import govuk

# Which GOV.UK error messages a form field type gets (platform_core/govuk.py).
_ERROR_KIND = {
    "singleline": "text",
    "multiline": "multiline",
    "email": "email",
    "url": "url",
    "number": "number",
    "date": "date",
    "datetime": "datetime",
    "dropdown": "choice",
    "multiselect": "choice",
    "radio": "choice",
    "checkboxes": "choice",
    "checkbox": "checkbox",
}


class GovukFormBuilder(FormBuilder):
    """Wagtail's form builder with error messages that name the field, GOV.UK style:
    "Enter your email address", not "This field is required"."""

    def get_field_options(self, field):
        options = super().get_field_options(field)
        options["error_messages"] = govuk.error_messages(
            field.label, _ERROR_KIND.get(field.field_type, "text")
        )
        return options


class FormField(AbstractFormField):
    page = ParentalKey("FormPage", on_delete=models.CASCADE, related_name="form_fields")


class FormPage(AbstractEmailForm):
    form_builder = GovukFormBuilder
    intro = RichTextField(blank=True, features=["bold", "link"])
    thank_you_text = RichTextField(blank=True, features=["bold", "link"])
    review_date = models.DateField(null=True, blank=True)

    content_panels = [
        *AbstractEmailForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Form fields"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            "Email",
        ),
    ]
    promote_panels = [*Page.promote_panels, FieldPanel("review_date")]
    subpage_types: list[str] = []
    # Forms carry a CSRF token: never served from the shared anonymous cache.
    cache_anonymous = False

    class Meta:
        verbose_name = "form page"
