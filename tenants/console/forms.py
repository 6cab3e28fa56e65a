from django import forms

from ..models import Council, Region, Tier


def _blank(choices, label):
    return [("", label), *choices]


class CouncilFilterForm(forms.Form):
    q = forms.CharField(label="Name, address or GSS code", required=False, max_length=100)
    status = forms.ChoiceField(required=False, choices=_blank(Council.Status.choices, "Any status"))
    tier = forms.ChoiceField(required=False, choices=_blank(Tier.choices, "Any tier"))
    region = forms.ChoiceField(required=False, choices=_blank(Region.choices, "Any region"))

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("q"):
            from django.db.models import Q

            q = data["q"]
            queryset = queryset.filter(
                Q(name__icontains=q) | Q(slug__icontains=q) | Q(gss_code__iexact=q)
            )
        for name in ("status", "tier", "region"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        return queryset


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        required=False,
        help_text="Recorded in the council's history. One line, up to 500 characters.",
    )

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        if reason_required:
            self.fields["reason"].error_messages["required"] = "Enter the reason"


class DecisionForm(ReasonForm):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")],
        error_messages={
            "required": "Choose Approve or Reject",
            "invalid_choice": "Choose Approve or Reject",
        },
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("decision") == "reject" and not data.get("reason"):
            self.add_error("reason", "Enter the reason for rejecting the request")
        return data


class RestoreForm(forms.Form):
    slug = forms.SlugField(
        label="Web address (slug) of the restored council",
        max_length=40,
        help_text="A free address, or the deleted council's own.",
        error_messages={"required": "Enter the web address for the restored council"},
    )
    name = forms.CharField(
        label="Name (optional)",
        max_length=200,
        required=False,
        help_text="Leave empty to keep the exported council's name.",
    )
    gss_code = forms.CharField(
        label="GSS code (optional)",
        max_length=9,
        required=False,
        help_text="Leave empty to keep the exported council's code (it must be free).",
    )
    reason = forms.CharField(
        label="Reason", max_length=500, required=False, help_text="Recorded in the history."
    )


class DeleteForm(forms.Form):
    """GitHub-style: type the council's slug to confirm."""

    confirm = forms.CharField(
        label="Type the council's web address (slug) to confirm",
        max_length=40,
        error_messages={"required": "Type the council's slug to confirm the deletion"},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        error_messages={"required": "Enter the reason for deleting the council"},
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.council = council

    def clean_confirm(self):
        typed = self.cleaned_data["confirm"].strip()
        if typed != self.council.slug:
            raise forms.ValidationError(
                f"That is not this council's slug; type {self.council.slug} exactly"
            )
        return typed


class OrgIdForm(forms.Form):
    org_id = forms.CharField(
        label="Organisation identifier (org-id)",
        max_length=20,
        required=False,
        help_text="From the council's nation's local authority register on org-id.guide: "
        "GB-LAE- (England), GB-WLA- (Wales), GB-SLA- (Scotland) or GB-NIA- (Northern Ireland) "
        "and the register's code, e.g. GB-LAE-BIR. The funder's id in its 360Giving feed.",
    )


class FailedTaskFilterForm(forms.Form):
    from ..models import FailedTask as _FailedTask

    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), *_FailedTask.Status.choices],
        initial="failed",
    )
    task = forms.CharField(label="Task name", required=False, max_length=100)
    council = forms.SlugField(label="Council (slug)", required=False, max_length=40)

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("task"):
            queryset = queryset.filter(task_name__icontains=data["task"])
        if data.get("council"):
            queryset = queryset.filter(council_slug=data["council"])
        return queryset


class FeatureForm(forms.Form):
    """Switch one optional feature (platform_core.features) for a council."""

    STATES = [
        ("on", "On for this council"),
        ("off", "Off for this council"),
        ("default", "Follow the default"),
    ]

    feature = forms.ChoiceField(
        label="Feature",
        error_messages={
            "required": "Choose a feature",
            "invalid_choice": "There is no feature called “%(value)s”; choose one from the list",
        },
    )
    state = forms.ChoiceField(
        label="Setting",
        choices=STATES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose on, off or follow the default",
            "invalid_choice": "“%(value)s” is not a setting; choose on, off or follow the default",
        },
    )
    reason = forms.CharField(
        label="Reason (optional)",
        max_length=500,
        required=False,
        help_text="Recorded in the council's history. One line, up to 500 characters.",
    )

    def __init__(self, *args, **kwargs):
        from platform_core import features

        super().__init__(*args, **kwargs)
        self.fields["feature"].choices = [("", "Choose a feature")] + [  # type: ignore[attr-defined]
            (f.key, f.label) for f in features.features()
        ]


def platform_event_type_choices() -> list[tuple[str, str]]:
    """The catalogue's platform types (their newest version), the only ones a platform endpoint
    may take: council events stay in their councils."""
    from platform_core.events.registry import catalogue

    latest = {t.type: t for t in catalogue() if t.scope == "platform"}
    return [(name, name) for name in sorted(latest)]


class PlatformWebhookForm(forms.Form):
    url = forms.CharField(
        label="Endpoint URL",
        max_length=500,
        help_text="An https:// address on the public internet. Every delivery is signed.",
        error_messages={"required": "Enter the endpoint URL"},
    )
    description = forms.CharField(
        label="Description (optional)",
        max_length=200,
        required=False,
        help_text="Who runs the receiver and what it is for.",
    )
    event_types = forms.MultipleChoiceField(
        label="Event types",
        error_messages={
            "required": "Choose at least one event type",
            "invalid_choice": "%(value)s is not a platform event type",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = self.fields["event_types"]
        assert isinstance(types, forms.MultipleChoiceField)
        types.choices = platform_event_type_choices()

    def clean_url(self):
        from platform_core.events import transport

        url = self.cleaned_data["url"].strip()
        try:
            transport.check_url(url)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return url


class RotateSecretForm(forms.Form):
    overlap_hours = forms.IntegerField(
        label="Hours the old secret still signs",
        min_value=0,
        max_value=168,
        initial=24,
        help_text="From 0 to 168 (a week). Deliveries carry both signatures meanwhile, so the "
        "receiver can switch to the new secret without missing one.",
        error_messages={
            "required": "Enter how many hours the old secret still signs",
            "invalid": "Enter a whole number of hours",
            "min_value": "Enter 0 hours or more",
            "max_value": "Enter 168 hours (a week) or fewer",
        },
    )


class EndpointActiveForm(forms.Form):
    active = forms.ChoiceField(
        choices=[("on", "Enable"), ("off", "Disable")],
        error_messages={
            "required": "Say whether to enable or disable the endpoint",
            "invalid_choice": "Say whether to enable or disable the endpoint (on or off)",
        },
    )
