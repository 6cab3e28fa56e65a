from django import forms

from .models import CouncilRequest


class CouncilSignupForm(forms.ModelForm):
    class Meta:
        model = CouncilRequest
        fields = ["name", "slug", "gss_code", "tier", "region", "contact_name", "contact_email"]
        labels = {
            "name": "Council name",
            "slug": "Web address name",
            "gss_code": "ONS GSS code",
            "contact_email": "Email address of the first administrator",
        }
        help_texts = {
            "slug": "Lower-case letters, digits and hyphens; your site will be at <slug>.<platform domain>.",
            "gss_code": "9 characters, for example E06000047.",
        }
