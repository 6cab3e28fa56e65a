"""The public forms of participatory budgeting (GOV.UK markup is in the templates)."""

from django import forms

from .actions import normalise_postcode


class ProposalForm(forms.Form):
    title = forms.CharField(max_length=150, label="Project name")
    summary = forms.CharField(max_length=2000, widget=forms.Textarea, label="What would it do?")
    estimated_cost = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=1, label="Roughly what would it cost, in pounds?"
    )
    recipient_name = forms.CharField(
        max_length=300, required=False, label="Which group would run it? (optional)"
    )
    proposer_name = forms.CharField(max_length=200, label="Your full name")
    proposer_email = forms.EmailField(label="Your email address")
    proposer_postcode = forms.CharField(max_length=10, label="Your postcode")

    def clean_proposer_postcode(self):
        value = normalise_postcode(self.cleaned_data["proposer_postcode"])
        if value is None:
            raise forms.ValidationError("Enter a real UK postcode, like NS1 1AA")
        return value


class VoteForm(forms.Form):
    name = forms.CharField(max_length=200, label="Your full name")
    date_of_birth = forms.DateField(
        label="Your date of birth",
        help_text="For example, 1980-03-27 (year-month-day)",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    address = forms.CharField(max_length=300, label="First line of your address")
    postcode = forms.CharField(max_length=10, label="Your postcode")
    choices = forms.TypedMultipleChoiceField(coerce=int, required=False, label="Projects")

    def __init__(self, *args, proposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choices"].choices = [(p.pk, p.title) for p in proposals]

    def clean_postcode(self):
        value = normalise_postcode(self.cleaned_data["postcode"])
        if value is None:
            raise forms.ValidationError("Enter a real UK postcode, like NS1 1AA")
        return value
