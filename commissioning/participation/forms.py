"""The public forms of participatory budgeting (GOV.UK markup is in the templates)."""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from platform_core import govuk

from .actions import check_date_of_birth, normalise_postcode


class ProposalForm(govuk.GovukErrors, forms.Form):
    nouns = {
        "title": "The project's name",
        "summary": "A summary of the project",
        "estimated_cost": "The estimated cost",
        "recipient_name": "The group's name",
    }
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


class DateInputWidget(forms.MultiWidget):
    """The GOV.UK date input's three boxes (``<name>_day``, ``_month``, ``_year``); the
    template draws them with GOV.UK Frontend's markup."""

    def __init__(self):
        super().__init__(
            {"day": forms.TextInput(), "month": forms.TextInput(), "year": forms.TextInput()}
        )

    def decompress(self, value):
        return [value.day, value.month, value.year] if value else [None, None, None]


class DateOfBirthField(forms.MultiValueField):
    """A date of birth in the GOV.UK date input pattern (day, month and year in their own
    boxes), with its messages."""

    widget = DateInputWidget

    def __init__(self, **kwargs):
        real = {"invalid": "Date of birth must be a real date"}
        super().__init__(
            fields=(
                forms.IntegerField(error_messages=real),
                forms.IntegerField(error_messages=real),
                forms.IntegerField(error_messages=real),
            ),
            require_all_fields=False,
            error_messages={
                "required": "Enter your date of birth",
                "incomplete": "Date of birth must include a day, a month and a year",
            },
            **kwargs,
        )
        for field in self.fields:
            field.required = True

    def compress(self, data_list):
        if not data_list:
            return None
        day, month, year = data_list
        if year is not None and year < 1000:
            raise forms.ValidationError("Year must include 4 numbers")
        try:
            return datetime.date(year, month, day)
        except (TypeError, ValueError, OverflowError):
            raise forms.ValidationError("Date of birth must be a real date") from None

    def validate(self, value):
        super().validate(value)
        if value is not None:
            try:
                check_date_of_birth(value)
            except ValidationError as exc:
                raise forms.ValidationError(exc.message_dict["date_of_birth"]) from None


class VoteForm(govuk.GovukErrors, forms.Form):
    own_messages = ("date_of_birth", "choices")
    nouns = {"address": "The first line of your address"}
    name = forms.CharField(max_length=200, label="Your full name")
    date_of_birth = DateOfBirthField(label="Your date of birth", help_text="For example, 27 3 1980")
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
