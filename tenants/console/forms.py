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
