"""The records managers' screens in the Wagtail admin, built from Wagtail's own components
(``ModelViewSet`` listings with filters, forms with panels). Every write calls the same action
as the API (records.actions): the same checks, the same audit entries, the same refusals.
Views never save a model themselves, and never write Wagtail's own log entries (the records
audit log is the one history).

Permissions are the API's: Django model permissions from records/permissions.py, through each
viewset's permission policy. Nothing here deletes a row: records leave through disposal, and
classes, holds and decisions are never deleted by the API either, so "delete" is never granted.
OFFICIAL-SENSITIVE records reach only people with ``records.view_sensitive_record``: every list
or choice of records is built from ``records.access.visible_records``.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.permissions import register_permission_policy

from platform_core import admin_forms
from platform_core.admin_forms import NoDeletePolicy

from . import actions
from .access import access_record, visible_records
from .models import (
    ActionItem,
    Decision,
    DisposalBatch,
    DisposalItem,
    FilePlanClass,
    LegalHold,
    Policy,
    Record,
)
from .search import search_records
from .storage import StorageUnavailable
from .templatetags.records_admin import readable_date, readable_time
from .validation import FileTooLarge

RECORDS_MENU_HOOK = "register_records_menu_item"


# --- shared ------------------------------------------------------------------------------------


#: What an action raises for bad input or a refusal; each becomes a form error.
ACTION_ERRORS = (*admin_forms.ACTION_ERRORS, StorageUnavailable)


def attach_errors(form, error) -> None:
    """The kernel's form errors (platform_core.admin_forms), and two of the records' own: a file
    over the size limit on the file field, an unreachable store above the form."""
    if isinstance(error, FileTooLarge) and "file" in form.fields:
        form.add_error("file", error.message)
    elif isinstance(error, StorageUnavailable):
        form.add_error(None, str(error.detail))
    else:
        admin_forms.attach_errors(form, error)


class ActionFormMixin(admin_forms.ActionFormMixin):
    """Save through a records action (which owns its transaction: Wagtail's own ``form_valid``
    would wrap it in another, which would also swallow the audit entry of a refusal where audit
    writes share the caller's transaction)."""

    action_errors = ACTION_ERRORS

    def attach_errors(self, form, error) -> None:
        attach_errors(form, error)


class NativeDateInput(forms.DateInput):
    """The browser's own date input (``type=date``: a keyboard-friendly picker with the
    browser's accessibility), for the decisions register's dates. Wagtail's default date picker
    is a jQuery widget whose buttons have no accessible names (axe ``button-name``)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def time_column(name, label):
    return Column(name, label=label, accessor=lambda obj: readable_time(getattr(obj, name)))


class RecordsViewSet(ModelViewSet):
    """What every records viewset shares: the records submenu, no copy, no delete (the route
    is not even there: records leave through disposal, and nothing else is deleted)."""

    copy_view_enabled = False
    add_to_admin_menu = False  # the records group's submenu lists it

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name != "delete"]


# --- file plan ---------------------------------------------------------------------------------

CLASS_FIELDS = (
    "parent",
    "code",
    "title",
    "description",
    "trigger",
    "event_name",
    "period_months",
    "action",
)


def schedule_text(file_class: FilePlanClass) -> str:
    if file_class.action == "retain":
        return "Retain permanently"
    months = file_class.period_months
    after = f"{months} month{'s' if months != 1 else ''} after" if months else "On"
    trigger = (
        f"the event “{file_class.event_name}”"
        if file_class.trigger == "event"
        else file_class.get_trigger_display().lower()
    )
    return f"{file_class.get_action_display()}: {after} {trigger}"


class FilePlanCreateView(ActionFormMixin, CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return actions.create_class(
            self.request.user, **{f: data[f] for f in CLASS_FIELDS if f in data}
        )


class FilePlanEditView(ActionFormMixin, EditView):
    def save_instance(self):
        current = FilePlanClass.objects.get(pk=self.object.pk)  # the form changed self.object
        data = self.form.cleaned_data
        changes = {f: data[f] for f in CLASS_FIELDS if f in data and getattr(current, f) != data[f]}
        return actions.update_class(self.request.user, current, **changes)


class FilePlanViewSet(RecordsViewSet):
    model = FilePlanClass
    name = "records_fileplan"
    url_prefix = "records/file-plan"
    icon = "folder-inverse"
    menu_label = "File plan"
    menu_order = 2
    add_view_class = FilePlanCreateView
    edit_view_class = FilePlanEditView
    list_display = [
        "code",
        "title",
        Column("parent", label="Parent", accessor="parent.code"),
        Column("schedule", label="Disposal schedule", accessor=schedule_text),
        Column("record_count", label="Records"),
    ]
    list_filter = ["action", "trigger", "parent"]
    search_fields = ["code", "title", "description"]
    panels = [
        FieldPanel("parent"),
        FieldPanel("code"),
        FieldPanel("title"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("trigger"),
                FieldPanel("event_name"),
                FieldPanel("period_months"),
                FieldPanel("action"),
            ],
            heading="Disposal schedule",
            help_text="Changing the schedule recomputes the disposal date of every live record in the class.",
        ),
    ]

    def get_queryset(self, request):
        return FilePlanClass.objects.select_related("parent").annotate(
            record_count=Count("records")
        )


# --- legal holds -------------------------------------------------------------------------------


def live_visible_records(user):
    return visible_records(user).exclude(status__in=actions.FINAL).order_by("title")


class RecordChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.file_class.code}, #{obj.pk})"


class HoldForm(WagtailAdminModelForm):
    """Place a hold: the records offered are those this user may see and that still exist."""

    records = RecordChoiceField(
        queryset=Record.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Held records cannot be destroyed, transferred, re-classed or given new content.",
    )

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["records"].queryset = live_visible_records(for_user)
        for name in ("reason", "authority"):
            self.fields[name].required = True


class HoldEditForm(WagtailAdminModelForm):
    """A hold's name, reason and authority are fixed once placed (as in the API); records can be
    added to a hold that is still active. Releasing is its own screen."""

    add_records = RecordChoiceField(
        queryset=Record.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Add records to this hold",
    )

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        held = self.instance.records.values("pk") if self.instance.pk else []
        self.fields["add_records"].queryset = live_visible_records(for_user).exclude(pk__in=held)


class HeldRecordsPanel(Panel):
    """The records on the hold that this user may see, each linked to its page."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "records/admin/panels/held_records.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["held"] = visible_records(self.request.user).filter(
                pk__in=self.instance.records.values("pk")
            )
            return context


class HoldCreateView(ActionFormMixin, CreateView):
    def get_initial(self):
        initial = super().get_initial()
        if record_id := self.request.GET.get("record", "").strip():
            initial["records"] = list(
                live_visible_records(self.request.user)
                .filter(pk=int(record_id) if record_id.isdigit() else 0)
                .values_list("pk", flat=True)
            )
        return initial

    def save_instance(self):
        data = self.form.cleaned_data
        return actions.place_hold(
            self.request.user,
            name=data["name"],
            reason=data["reason"],
            authority=data["authority"],
            records=list(data["records"]),
        )


class HoldEditView(ActionFormMixin, EditView):
    success_message = "Legal hold '%(object)s' updated."

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.object.active:
            buttons.append(
                HeaderButton(
                    "Release this hold",
                    url=reverse("records_hold_release", args=[self.object.pk]),
                    icon_name="lock-open",
                )
            )
        return buttons

    def save_instance(self):
        hold = LegalHold.objects.get(pk=self.object.pk)
        records = list(self.form.cleaned_data.get("add_records") or [])
        if records:
            actions.add_to_hold(self.request.user, hold, records)
        return hold


class HoldFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[("active", "Active"), ("released", "Released")],
        method="filter_status",
        empty_label="Active and released",
    )

    class Meta:
        model = LegalHold
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(released_at__isnull=(value == "active"))


class HoldIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(record_count=Count("records"))


def hold_status(hold: LegalHold) -> str:
    if hold.active:
        return "Active"
    return f"Released {readable_time(hold.released_at)}"


class HoldViewSet(RecordsViewSet):
    model = LegalHold
    name = "records_holds"
    url_prefix = "records/holds"
    icon = "lock"
    menu_label = "Legal holds"
    menu_order = 3
    index_view_class = HoldIndexView
    add_view_class = HoldCreateView
    edit_view_class = HoldEditView
    filterset_class = HoldFilterSet
    list_display = [
        "name",
        "authority",
        Column("record_count", label="Records"),
        time_column("placed_at", "Placed"),
        Column("status", label="Status", accessor=hold_status),
    ]
    search_fields = ["name", "reason", "authority"]
    panels = [
        FieldPanel("name"),
        FieldPanel("reason"),
        FieldPanel("authority"),
        FieldPanel("records"),
    ]

    def get_form_class(self, for_update=False):
        return (
            ObjectList(self.panels, base_form_class=HoldForm)
            .bind_to_model(LegalHold)
            .get_form_class()
        )

    @cached_property
    def edit_panel(self):
        return ObjectList(
            [
                FieldPanel("name", read_only=True),
                FieldPanel("reason", read_only=True),
                FieldPanel("authority", read_only=True),
                HeldRecordsPanel(heading="Records on this hold"),
                FieldPanel("add_records"),
            ],
            base_form_class=HoldEditForm,
        ).bind_to_model(LegalHold)

    def get_add_view_kwargs(self, **kwargs):
        panel = ObjectList(self.panels, base_form_class=HoldForm).bind_to_model(LegalHold)
        return super().get_add_view_kwargs(panel=panel, form_class=panel.get_form_class(), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(
            panel=self.edit_panel, form_class=self.edit_panel.get_form_class(), **kwargs
        )


# --- the register of records -------------------------------------------------------------------

RECORD_FIELDS = (
    "title",
    "description",
    "file_class",
    "classification",
    "owner",
    "decision_date",
    "event_date",
)


class DropFileInput(forms.FileInput):
    """A normal file input (it works without JavaScript) that records/admin/upload.js turns
    into a drop zone and, on submit, sends with a progress bar."""

    template_name = "records/admin/widgets/drop_file_input.html"

    class Media:
        js = ["records/admin/upload.js"]
        css = {"all": ["records/admin/upload.css"]}


class DropFilesInput(DropFileInput):
    """The drop zone taking several files (records/admin/upload.js shows each one's progress)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented pattern); its value is a list."""

    widget = DropFilesInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) == 1:
            return [super().clean(files[0], initial)]
        cleaned, errors = [], []
        for upload in files:  # every refused file is named, not only the first
            try:
                cleaned.append(super().clean(upload, initial))
            except ValidationError as error:
                errors.extend(f"'{upload.name}': {message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class RecordForm(WagtailAdminModelForm):
    """A record's metadata. Related records and classes are offered from what the user may see."""

    related = RecordChoiceField(
        queryset=Record.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Other records this one relates to (hold Ctrl or ⌘ to choose several).",
    )

    class Meta:
        model = Record
        fields = [*RECORD_FIELDS, "related"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        related = visible_records(for_user).order_by("-id")
        if self.instance.pk:
            related = related.exclude(pk=self.instance.pk)
        self.fields["related"].queryset = related
        self.fields["file_class"].queryset = FilePlanClass.objects.order_by("code")


class DeclareForm(RecordForm):
    file = MultipleFileField(
        label="Files",
        help_text=(
            "Each file becomes its own record with the details below, as its version 1. With "
            "several files, each record's title is the title below followed by its file's name "
            "(for example 'Cabinet papers — agenda.pdf'). If any file is refused, none is "
            "declared. Large files show their progress as they upload."
        ),
    )


class RecordIndexView(IndexView):
    add_item_label = "Declare a record"

    def get_base_queryset(self):
        return (
            visible_records(self.request.user)
            .select_related("file_class")
            .annotate(active_holds=Count("holds", filter=Q(holds__released_at__isnull=True)))
        )

    def search_queryset(self, queryset):
        if not self.search_query:
            return queryset
        found = search_records(self.request.user, self.search_query)
        ids = found.values("pk") if hasattr(found, "values") else [r.pk for r in found]
        return queryset.filter(pk__in=ids)

    def get_edit_url(self, instance):
        return reverse("records_detail", args=[instance.pk])  # the record's page


class RecordCreateView(ActionFormMixin, CreateView):
    """Declare one record per file, all with the form's details (actions.declare_records: all
    or nothing). One file leads to its record's page; several to the register."""

    page_title = "Declare a record"
    success_message = "Record '%(object)s' declared."
    declared: list[Record] = []

    def save_instance(self):
        data = self.form.cleaned_data
        self.declared = actions.declare_records(
            self.request.user,
            uploads=data["file"],
            related=list(data.get("related") or []),
            **{f: data[f] for f in RECORD_FIELDS if f in data},
        )
        return self.declared[0]

    def get_success_message(self, instance):
        if len(self.declared) > 1:
            titles = ", ".join(f"'{record.title}'" for record in self.declared)
            return f"{len(self.declared)} records declared: {titles}."
        return super().get_success_message(instance)

    def get_success_buttons(self):
        return [] if len(self.declared) > 1 else super().get_success_buttons()

    def get_success_url(self):
        if len(self.declared) > 1:
            return reverse("records_record:index")
        return reverse("records_detail", args=[self.object.pk])


class RecordEditView(ActionFormMixin, EditView):
    success_message = "Record '%(object)s' updated."

    def get_object(self, queryset=None):
        return access_record(self.request.user, self.kwargs["pk"])

    def save_instance(self):
        current = access_record(self.request.user, self.object.pk)  # the form changed self.object
        data = self.form.cleaned_data
        changes = {f: data[f] for f in RECORD_FIELDS if f in data}
        # Related records this user may not see stay related: the form never showed them.
        hidden = current.related.exclude(pk__in=visible_records(self.request.user).values("pk"))
        related = [*data.get("related", []), *hidden]
        return actions.update_record(self.request.user, current, related=related, **changes)

    def get_success_url(self):
        return reverse("records_detail", args=[self.object.pk])


class VisibleRecordsMixin:
    """Wagtail's history and usage screens of a record: found among the records this user may
    see (an OFFICIAL-SENSITIVE record's title never reaches anyone else)."""

    def get_base_object_queryset(self):
        return visible_records(self.request.user)


class RecordHistoryView(VisibleRecordsMixin, HistoryView):
    pass


class RecordUsageView(VisibleRecordsMixin, UsageView):
    pass


def on_hold(record) -> str:
    return "On hold" if getattr(record, "active_holds", 0) else ""


class RecordViewSet(RecordsViewSet):
    model = Record
    name = "records_record"
    url_prefix = "records/records"
    icon = "doc-full"
    menu_label = "Register"
    menu_order = 1
    index_view_class = RecordIndexView
    add_view_class = RecordCreateView
    edit_view_class = RecordEditView
    history_view_class = RecordHistoryView
    usage_view_class = RecordUsageView
    list_display = [
        "title",
        Column("file_class", label="Class", accessor="file_class.code"),
        Column("classification", label="Classification", accessor="get_classification_display"),
        Column("status", label="Status", accessor="get_status_display"),
        Column("on_hold", label="Legal hold", accessor=on_hold),
        Column(
            "disposal_due", label="Disposal due", accessor=lambda r: readable_date(r.disposal_due)
        ),
    ]
    list_filter = ["file_class", "classification", "status"]
    search_fields = ["title"]  # searched in full text (records.search), not by this field
    metadata_panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("file_class"), FieldPanel("classification")],
            heading="Class and classification",
            help_text="The class sets the disposal schedule. A record under a legal hold cannot be re-classed.",
        ),
        FieldPanel("owner"),
        MultiFieldPanel(
            [
                FieldPanel("decision_date", widget=NativeDateInput),
                FieldPanel("event_date", widget=NativeDateInput),
            ],
            heading="Dates that can start retention",
        ),
        FieldPanel("related"),
    ]

    @cached_property
    def declare_panel(self):
        return ObjectList(
            [FieldPanel("file"), *self.metadata_panels], base_form_class=DeclareForm
        ).bind_to_model(Record)

    @cached_property
    def edit_panel(self):
        return ObjectList(self.metadata_panels, base_form_class=RecordForm).bind_to_model(Record)

    def get_form_class(self, for_update=False):
        return (self.edit_panel if for_update else self.declare_panel).get_form_class()

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(
            panel=self.declare_panel, form_class=self.get_form_class(), **kwargs
        )

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(
            panel=self.edit_panel, form_class=self.get_form_class(for_update=True), **kwargs
        )


# --- disposal ----------------------------------------------------------------------------------


class RunScheduleForm(WagtailAdminModelForm):
    class Meta:
        model = DisposalBatch
        fields: list[str] = []


class RunScheduleView(ActionFormMixin, CreateView):
    """ "Run the disposal schedule now": a new batch of every record due (the API's POST)."""

    page_title = "Run the disposal schedule"
    submit_button_label = "Run the schedule now"

    def save_instance(self):
        batch = actions.run_disposal_schedule(self.request.user)
        if batch is None:
            raise ValidationError(
                "Nothing new is due: every record due is on hold, retained permanently or "
                "already in a batch under review."
            )
        return batch

    def get_success_message(self, instance):
        count = instance.items.count()
        return (
            f"Disposal batch {instance.pk} created with {count} record{pluralize(count)} to review."
        )

    def get_success_buttons(self):
        return []

    def get_success_url(self):
        return reverse("records_disposal_review", args=[self.object.pk])


class BatchIndexView(IndexView):
    add_item_label = "Run the disposal schedule"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(
                record_count=Count("items"),
                pending=Count("items", filter=Q(items__decision=DisposalItem.Decision.PENDING)),
            )
        )

    def get_edit_url(self, instance):
        return reverse("records_disposal_review", args=[instance.pk])


def batch_progress(batch) -> str:
    if batch.status == DisposalBatch.Status.COMPLETED:
        return f"Completed {readable_time(batch.completed_at)} by {batch.completed_by}"
    return f"{batch.record_count - batch.pending} of {batch.record_count} decided"


class DisposalViewSet(RecordsViewSet):
    """Disposal batches: the listing, "run the schedule now" (add) and, from each row, the
    review screen (records/admin_views.py); a batch is never edited or deleted as a form."""

    model = DisposalBatch
    name = "records_disposal"
    url_prefix = "records/disposal"
    icon = "bin"
    menu_label = "Disposal"
    menu_order = 4
    index_view_class = BatchIndexView
    add_view_class = RunScheduleView
    list_display = [
        Column("__str__", label="Batch"),
        Column("status", label="Status", accessor="get_status_display"),
        time_column("created_at", "Created"),
        Column("record_count", label="Records"),
        Column("progress", label="Review", accessor=batch_progress),
    ]
    list_filter = ["status"]
    form_fields: list[str] = []

    def get_form_class(self, for_update=False):
        return RunScheduleForm

    def get_urlpatterns(self):
        # A batch's screen is its review; its history is the audit log (the certificate).
        return [p for p in super().get_urlpatterns() if p.name in ("index", "index_results", "add")]


# --- decisions, policies, actions arising ------------------------------------------------------

DECISION_FIELDS = actions.decisions.DECISION_FIELDS


class ForwardPlanDateInput(NativeDateInput):
    """The forward plan date, with the 28-clear-day check shown as the dates are typed
    (records/admin/forward_plan.js); the server checks it again on save (the action)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                **(attrs or {}),
                "data-records-forward-plan": "",
                "data-notice-days": str(actions.KEY_DECISION_NOTICE_DAYS),
            }
        )

    class Media:
        js = ["records/admin/forward_plan.js"]
        css = {"all": ["records/admin/upload.css"]}


class DecisionForm(WagtailAdminModelForm):
    records = RecordChoiceField(
        queryset=Record.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="The records behind the decision (hold Ctrl or ⌘ to choose several).",
    )

    class Meta:
        model = Decision
        fields = [*DECISION_FIELDS, "records"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["records"].queryset = visible_records(for_user).order_by("-id")


class DecisionCreateView(ActionFormMixin, CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return actions.create_decision(
            self.request.user,
            records=list(data.get("records") or []),
            **{f: data[f] for f in DECISION_FIELDS if f in data},
        )


class DecisionEditView(ActionFormMixin, EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.user_has_permission("change"):
            label = "Unpublish" if self.object.published else "Publish on the website"
            buttons.append(
                HeaderButton(
                    label,
                    url=reverse("records_decision_publish", args=[self.object.pk]),
                    icon_name="globe",
                )
            )
        return buttons

    def save_instance(self):
        current = Decision.objects.get(pk=self.object.pk)  # the form changed self.object
        data = self.form.cleaned_data
        hidden = current.records.exclude(pk__in=visible_records(self.request.user).values("pk"))
        return actions.update_decision(
            self.request.user,
            current,
            records=[*data.get("records", []), *hidden],
            **{f: data[f] for f in DECISION_FIELDS if f in data},
        )


class DecisionActionsPanel(Panel):
    """The actions arising from the decision, each linked to its form, and a link to add one."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "records/admin/panels/decision_actions.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["decision"] = self.instance
            context["action_items"] = self.instance.actions.all()
            context["can_add"] = self.request.user.has_perm("records.add_actionitem")
            return context


def published_text(decision) -> str:
    return f"Published {readable_time(decision.published_at)}" if decision.published else "Draft"


class DecisionViewSet(RecordsViewSet):
    model = Decision
    name = "records_decisions"
    url_prefix = "records/decisions"
    icon = "tick-inverse"
    menu_label = "Decisions"
    menu_order = 5
    add_view_class = DecisionCreateView
    edit_view_class = DecisionEditView
    list_display = [
        "title",
        "decision_maker",
        Column("decision_date", label="Date", accessor=lambda d: readable_date(d.decision_date)),
        Column("key", label="Key decision", accessor=lambda d: "Key" if d.is_key_decision else ""),
        Column("published", label="Website", accessor=published_text),
    ]
    list_filter = ["is_key_decision", "published", "decision_maker"]
    search_fields = ["title", "summary", "reasons", "decision_maker"]
    panels = [
        FieldPanel("title"),
        FieldPanel("decision_maker"),
        FieldPanel("decision_date", widget=NativeDateInput),
        FieldPanel("summary"),
        FieldPanel("reasons"),
        FieldPanel("alternatives_considered"),
        FieldPanel("consultation"),
        MultiFieldPanel(
            [
                FieldPanel("is_key_decision"),
                FieldPanel("forward_plan_date", widget=ForwardPlanDateInput),
                FieldPanel("urgency_reason"),
            ],
            heading="Key decision",
            help_text=(
                f"A key decision must be on the forward plan at least {actions.KEY_DECISION_NOTICE_DAYS} "
                "clear days before it is taken (the day of notice and the day of decision do not "
                "count), or record why it was urgent."
            ),
        ),
        FieldPanel("policy"),
        FieldPanel("records"),
        DecisionActionsPanel(heading="Actions arising"),
    ]

    def get_form_class(self, for_update=False):
        return (
            ObjectList(self.panels, base_form_class=DecisionForm)
            .bind_to_model(Decision)
            .get_form_class()
        )

    def get_add_view_kwargs(self, **kwargs):
        panel = ObjectList(self.panels, base_form_class=DecisionForm).bind_to_model(Decision)
        return super().get_add_view_kwargs(panel=panel, form_class=panel.get_form_class(), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        panel = ObjectList(self.panels, base_form_class=DecisionForm).bind_to_model(Decision)
        return super().get_edit_view_kwargs(
            panel=panel, form_class=panel.get_form_class(), **kwargs
        )


POLICY_FIELDS = ("title", "summary", "owner", "review_date", "record")


class PolicyForm(WagtailAdminModelForm):
    class Meta:
        model = Policy
        fields = list(POLICY_FIELDS)

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["record"].queryset = visible_records(for_user).order_by("-id")


class PolicyCreateView(ActionFormMixin, CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return actions.create_policy(
            self.request.user, **{f: data[f] for f in POLICY_FIELDS if f in data}
        )


class PolicyEditView(ActionFormMixin, EditView):
    success_message = "Policy '%(object)s' saved as a new version."

    def save_instance(self):
        current = Policy.objects.get(pk=self.object.pk)
        data = self.form.cleaned_data
        changes = {f: data[f] for f in POLICY_FIELDS if f in data}
        if (
            current.record_id
            and not visible_records(self.request.user).filter(pk=current.record_id).exists()
        ):
            changes.pop("record", None)  # a record this user may not see stays linked
        return actions.revise_policy(self.request.user, current, **changes)


class PolicyViewSet(RecordsViewSet):
    model = Policy
    name = "records_policies"
    url_prefix = "records/policies"
    icon = "doc-full-inverse"
    menu_label = "Policies"
    menu_order = 6
    add_view_class = PolicyCreateView
    edit_view_class = PolicyEditView
    list_display = [
        "title",
        "owner",
        Column("version", label="Version"),
        Column("review_date", label="Review by", accessor=lambda p: readable_date(p.review_date)),
    ]
    search_fields = ["title", "summary", "owner"]
    panels = [
        FieldPanel("title"),
        FieldPanel("summary"),
        FieldPanel("owner"),
        FieldPanel("review_date", widget=NativeDateInput),
        FieldPanel("record"),
    ]

    def get_form_class(self, for_update=False):
        return (
            ObjectList(self.panels, base_form_class=PolicyForm)
            .bind_to_model(Policy)
            .get_form_class()
        )

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(form_class=self.get_form_class(), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(form_class=self.get_form_class(True), **kwargs)


ACTION_ITEM_FIELDS = ("description", "owner", "due_date", "status")


class ActionItemCreateView(ActionFormMixin, CreateView):
    def get_initial(self):
        initial = super().get_initial()
        if (decision := self.request.GET.get("decision", "")).isdigit():
            initial["decision"] = Decision.objects.filter(pk=int(decision)).first()
        return initial

    def save_instance(self):
        data = self.form.cleaned_data
        return actions.create_action_item(
            self.request.user,
            data["decision"],
            **{f: data[f] for f in ACTION_ITEM_FIELDS if f in data},
        )


class ActionItemEditView(ActionFormMixin, EditView):
    def save_instance(self):
        current = ActionItem.objects.get(pk=self.object.pk)
        data = self.form.cleaned_data
        return actions.update_action_item(
            self.request.user, current, **{f: data[f] for f in ACTION_ITEM_FIELDS if f in data}
        )


class ActionItemViewSet(RecordsViewSet):
    model = ActionItem
    name = "records_actions"
    url_prefix = "records/actions"
    icon = "list-ul"
    menu_label = "Actions arising"
    menu_order = 7
    add_view_class = ActionItemCreateView
    edit_view_class = ActionItemEditView
    list_display = [
        "description",
        Column("decision", label="Decision", accessor="decision.title"),
        "owner",
        Column("due_date", label="Due", accessor=lambda a: readable_date(a.due_date)),
        Column("status", label="Status", accessor="get_status_display"),
    ]
    list_filter = ["status", "decision"]
    search_fields = ["description", "owner"]
    panels = [
        FieldPanel("decision"),
        FieldPanel("description"),
        FieldPanel("owner"),
        FieldPanel("due_date", widget=NativeDateInput),
        FieldPanel("status"),
    ]

    def get_queryset(self, request):
        return ActionItem.objects.select_related("decision")


# --- the menu ----------------------------------------------------------------------------------


def register_policies() -> None:
    """Called at the top of records/wagtail_hooks.py, before any viewset asks for a policy."""
    for model in (Record, FilePlanClass, LegalHold, DisposalBatch, Decision, Policy, ActionItem):
        register_permission_policy(model, NoDeletePolicy(model))


class RecordsGroup(ViewSetGroup):
    menu_label = "Records"
    menu_icon = "folder-open-inverse"
    menu_name = "records"
    menu_order = 250
    submenu_hook = RECORDS_MENU_HOOK
    items = (
        RecordViewSet,
        FilePlanViewSet,
        HoldViewSet,
        DisposalViewSet,
        DecisionViewSet,
        PolicyViewSet,
        ActionItemViewSet,
    )
