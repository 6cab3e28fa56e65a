"""Wagtail admin screens for records managers that are not a model listing or form: the
dashboard (audit chain, due records, open batches, active holds), a record's page (versions,
holds, audit trail with readable times) and the hold release form. The listings and forms are
viewsets (records/admin_viewsets.py). Every write goes through records.actions, which makes
the audit entries; permissions are the API's model permissions (records/permissions.py)."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import HeaderButton

from platform_core.audit.checkpoints import verify as verify_audit
from platform_core.audit.models import AuditEntry

from . import actions
from .access import access_record, is_records_manager, visible_record_ids, visible_records
from .admin_viewsets import ACTION_ERRORS, attach_errors
from .models import Decision, DisposalBatch, DisposalItem, FilePlanClass, LegalHold, Record
from .templatetags.records_admin import readable_date

HOME = {"url": reverse_lazy("wagtailadmin_home"), "label": "Home"}
DASHBOARD = {"url": reverse_lazy("records_dashboard"), "label": "Records"}


def require(user, *perms) -> None:
    if not (user.is_authenticated and all(user.has_perm(p) for p in perms)):
        raise PermissionDenied


class ManagerView(WagtailAdminTemplateMixin):
    """A records screen for records managers (``records.change_record``) unless it says
    otherwise in ``permissions``."""

    permissions: tuple[str, ...] = ()
    header_icon = "folder-open-inverse"

    def dispatch(self, request, *args, **kwargs):
        if self.permissions:
            require(request.user, *self.permissions)
        elif not is_records_manager(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DashboardView(ManagerView, TemplateView):
    page_title = "Records"
    template_name = "records/admin/dashboard.html"
    breadcrumbs_items = [HOME, {"url": "", "label": "Records"}]

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        user = self.request.user
        return super().get_context_data(
            # Incremental: the newest signed checkpoint, then only the entries after it.
            chain=verify_audit(),
            due=visible_records(user)
            .filter(disposal_due__lte=today)
            .exclude(status__in=actions.FINAL)[:50],
            batches=DisposalBatch.objects.filter(status=DisposalBatch.Status.OPEN)[:20],
            holds=LegalHold.objects.filter(released_at__isnull=True).prefetch_related(
                Prefetch("records", queryset=visible_record_ids(user))
            )[:20],
            total=visible_records(user).count(),
            **kwargs,
        )


dashboard = DashboardView.as_view()


class RecordDetailView(ManagerView, TemplateView):
    """One record: its metadata, versions, holds and audit trail (with readable times)."""

    template_name = "records/admin/record_detail.html"
    header_icon = "doc-full"

    @cached_property
    def record(self) -> Record:
        return access_record(self.request.user, self.kwargs["pk"])

    def get_page_title(self):
        return self.record.title

    def get_breadcrumbs_items(self):
        return [
            HOME,
            DASHBOARD,
            {"url": reverse("records_record:index"), "label": "Register"},
            {"url": "", "label": self.record.title},
        ]

    @cached_property
    def header_buttons(self):
        record, user = self.record, self.request.user
        buttons = []
        if record.status not in actions.FINAL and user.has_perm("records.change_record"):
            buttons.append(
                HeaderButton(
                    "Edit metadata",
                    url=reverse("records_record:edit", args=[record.pk]),
                    icon_name="edit",
                )
            )
            buttons.append(
                HeaderButton(
                    "Add a version",
                    url=reverse("records_add_version", args=[record.pk]),
                    icon_name="upload",
                )
            )
        if record.status not in actions.FINAL and user.has_perm("records.add_legalhold"):
            buttons.append(
                HeaderButton(
                    "Place a legal hold",
                    url=reverse("records_holds:add") + f"?record={record.pk}",
                    icon_name="lock",
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        record = self.record
        can_audit = self.request.user.has_perm("audit.view_auditentry")
        return super().get_context_data(
            record=record,
            versions=record.versions.all(),
            holds=record.holds.all(),
            can_audit=can_audit,
            trail=(
                AuditEntry.objects.filter(object_type="records.record", object_id=str(record.pk))
                if can_audit
                else []
            ),
            **kwargs,
        )


record_detail = RecordDetailView.as_view()


class ReleaseForm(forms.Form):
    reason = forms.CharField(
        label="Why is the hold released?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Kept in the audit log with your name and the time.",
    )


class ReleaseHoldView(ManagerView, FormView):
    """Release a legal hold (``records.change_legalhold``, as the API's ``release``)."""

    permissions = ("records.change_legalhold",)
    form_class = ReleaseForm
    template_name = "records/admin/form.html"
    header_icon = "lock-open"

    @cached_property
    def hold(self) -> LegalHold:
        try:
            return LegalHold.objects.get(pk=self.kwargs["pk"])
        except LegalHold.DoesNotExist:
            raise Http404("No such hold") from None

    def get_page_title(self):
        return f"Release legal hold: {self.hold.name}"

    def get_breadcrumbs_items(self):
        return [
            HOME,
            {"url": reverse("records_holds:index"), "label": "Legal holds"},
            {"url": reverse("records_holds:edit", args=[self.hold.pk]), "label": self.hold.name},
            {"url": "", "label": "Release"},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            submit_label="Release the hold",
            intro=(
                f"Records on “{self.hold.name}” ({self.hold.authority}) can again be disposed "
                "of, re-classed and given new content once it is released."
            ),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            actions.release_hold(self.request.user, self.hold, form.cleaned_data["reason"])
        except ACTION_ERRORS as error:
            attach_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Legal hold “{self.hold.name}” released.")
        return redirect("records_holds:index")


release_hold = ReleaseHoldView.as_view()


class VersionForm(forms.Form):
    def __init__(self, *args, **kwargs):
        from .admin_viewsets import DropFileInput

        super().__init__(*args, **kwargs)
        self.fields["file"] = forms.FileField(
            label="File",
            widget=DropFileInput,
            help_text="New content makes a new version; earlier versions are kept unchanged.",
        )


class AddVersionView(ManagerView, FormView):
    """Add a version (``records.change_record``, as the API's ``versions`` POST)."""

    permissions = ("records.change_record",)
    form_class = VersionForm
    template_name = "records/admin/form.html"
    header_icon = "upload"

    @cached_property
    def record(self) -> Record:
        return access_record(self.request.user, self.kwargs["pk"])

    def get_page_title(self):
        return f"Add a version: {self.record.title}"

    def get_breadcrumbs_items(self):
        return [
            HOME,
            {"url": reverse("records_record:index"), "label": "Register"},
            {"url": reverse("records_detail", args=[self.record.pk]), "label": self.record.title},
            {"url": "", "label": "Add a version"},
        ]

    def get_context_data(self, **kwargs):
        latest = self.record.versions.order_by("-number").first()
        return super().get_context_data(
            submit_label="Upload the new version",
            intro=f"The latest version is {latest.number}, “{latest.original_name}”."
            if latest
            else "",
            multipart=True,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            version = actions.add_version(self.request.user, self.record, form.cleaned_data["file"])
        except ACTION_ERRORS as error:
            attach_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Version {version.number} stored.")
        return redirect("records_detail", pk=self.record.pk)


add_version = AddVersionView.as_view()


# --- disposal review ---------------------------------------------------------------------------


class DecideForm(forms.Form):
    """One record's decision in a disposal batch: the API's decide body, as a form."""

    decision = forms.ChoiceField(
        choices=DisposalItem.Decision.choices, widget=forms.RadioSelect, label="Decision"
    )
    extend_months = forms.IntegerField(
        min_value=1, max_value=1200, required=False, label="Extend by (months)"
    )
    new_class = forms.ModelChoiceField(
        queryset=FilePlanClass.objects.order_by("code"), required=False, label="New class"
    )
    note = forms.CharField(required=False, max_length=2000, label="Note")

    def __init__(self, *args, item: DisposalItem, **kwargs):
        self.item = item
        initial = {
            "decision": item.decision,
            "extend_months": item.extend_months,
            "new_class": item.new_class_id,
            "note": item.note,
        }
        super().__init__(*args, initial=initial, prefix=f"item-{item.pk}", **kwargs)
        if item.batch.status != DisposalBatch.Status.OPEN:
            for field in self.fields.values():
                field.disabled = True


class DisposalReviewView(ManagerView, TemplateView):
    """Review a disposal batch: approve, extend or re-class each record, then complete the batch
    (which carries out every decision and issues the certificate). Decisions are the API's
    ``decide`` action, item by item; a page with any bad decision saves none of them."""

    permissions = ("records.change_disposalbatch",)
    template_name = "records/admin/disposal_review.html"
    header_icon = "bin"

    @cached_property
    def batch(self) -> DisposalBatch:
        try:
            return DisposalBatch.objects.get(pk=self.kwargs["pk"])
        except DisposalBatch.DoesNotExist:
            raise Http404("No such batch") from None

    def get_page_title(self):
        return f"Disposal batch {self.batch.pk}"

    def get_breadcrumbs_items(self):
        return [
            HOME,
            {"url": reverse("records_disposal:index"), "label": "Disposal"},
            {"url": "", "label": f"Batch {self.batch.pk}"},
        ]

    @cached_property
    def header_buttons(self):
        if self.batch.certificate:
            return [
                HeaderButton(
                    "Download the certificate",
                    url=reverse("records_disposal_certificate", args=[self.batch.pk]),
                    icon_name="download",
                )
            ]
        return []

    def items(self):
        visible = visible_records(self.request.user).values("pk")
        return list(
            self.batch.items.filter(record__in=visible).select_related(
                "record", "record__file_class", "new_class", "batch"
            )
        )

    def forms_for(self, data=None):
        return [DecideForm(data, item=item) for item in self.items()]

    def get_context_data(self, **kwargs):
        forms_ = kwargs.pop("forms", None) or self.forms_for()
        hidden = self.batch.items.count() - len(forms_)
        return super().get_context_data(
            batch=self.batch,
            forms=forms_,
            hidden=hidden,
            pending=sum(f.item.decision == DisposalItem.Decision.PENDING for f in forms_),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if self.batch.status != DisposalBatch.Status.OPEN:
            messages.error(request, "The batch is completed; its decisions are final.")
            return redirect("records_disposal_review", pk=self.batch.pk)
        forms_ = self.forms_for(request.POST)
        failed = False
        with transaction.atomic():
            for form in forms_:
                if not form.is_valid():
                    failed = True
                    continue
                data = form.cleaned_data
                if not form.has_changed() or data["decision"] == DisposalItem.Decision.PENDING:
                    continue
                try:
                    with transaction.atomic():
                        actions.decide_item(
                            request.user,
                            form.item,
                            decision=data["decision"],
                            extend_months=data["extend_months"],
                            new_class=data["new_class"],
                            note=data["note"],
                        )
                except ACTION_ERRORS as error:
                    attach_errors(form, error)
                    failed = True
            if failed:
                transaction.set_rollback(True)
        if failed:
            messages.error(request, "Some decisions need correcting; none were saved.")
            return self.render_to_response(self.get_context_data(forms=forms_), status=200)
        messages.success(request, "Decisions saved.")
        return redirect("records_disposal_review", pk=self.batch.pk)


disposal_review = DisposalReviewView.as_view()


@require_POST
def complete_disposal(request, pk: int):
    """Carry out the batch's decisions and issue its certificate (the API's ``complete``)."""
    require(request.user, "records.change_disposalbatch")
    batch = DisposalBatch.objects.filter(pk=pk).first()
    if batch is None:
        raise Http404("No such batch")
    try:
        actions.complete_batch(request.user, batch)
    except ACTION_ERRORS as error:
        message = getattr(error, "message", None) or "; ".join(
            getattr(error, "messages", None) or [str(error)]
        )
        messages.error(request, f"The batch was not completed: {message}")
    else:
        messages.success(
            request, f"Disposal batch {batch.pk} completed; its certificate is ready to download."
        )
    return redirect("records_disposal_review", pk=batch.pk)


def disposal_certificate(request, pk: int):
    """The batch's certificate as a JSON file (the API's ``certificate``: the certificate and its
    SHA-256)."""
    require(request.user, "records.view_disposalbatch")
    batch = DisposalBatch.objects.filter(pk=pk).first()
    if batch is None or not batch.certificate:
        raise Http404("No certificate")
    body = json.dumps(
        {"certificate": batch.certificate, "sha256": batch.certificate_sha256},
        indent=2,
        ensure_ascii=False,
    )
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = content_disposition_header(
        True, f"disposal-certificate-{batch.pk}.json"
    )
    return response


# --- publishing a decision ---------------------------------------------------------------------


class PublishForm(forms.Form):
    pass


class PublishDecisionView(ManagerView, FormView):
    """Publish a decision on the council's website (or take it off): the API's ``publish``."""

    permissions = ("records.change_decision",)
    form_class = PublishForm
    template_name = "records/admin/form.html"
    header_icon = "globe"

    @cached_property
    def decision(self) -> Decision:
        try:
            return Decision.objects.get(pk=self.kwargs["pk"])
        except Decision.DoesNotExist:
            raise Http404("No such decision") from None

    def get_page_title(self):
        verb = "Unpublish" if self.decision.published else "Publish"
        return f"{verb}: {self.decision.title}"

    def get_breadcrumbs_items(self):
        return [
            HOME,
            {"url": reverse("records_decisions:index"), "label": "Decisions"},
            {
                "url": reverse("records_decisions:edit", args=[self.decision.pk]),
                "label": self.decision.title,
            },
            {"url": "", "label": "Publish"},
        ]

    def get_context_data(self, **kwargs):
        published = self.decision.published
        return super().get_context_data(
            submit_label="Unpublish the decision" if published else "Publish the decision",
            intro=(
                "The decision is on the website and in the open decisions feed. Unpublishing "
                "takes it off both."
                if published
                else "Publishing puts the decision on the website's decisions page and in the "
                "open decisions feed (JSON and CSV)."
            ),
            **kwargs,
        )

    def form_valid(self, form):
        published = not self.decision.published
        actions.publish_decision(self.request.user, self.decision, published)
        messages.success(
            self.request,
            f"“{self.decision.title}” {'published' if published else 'unpublished'}.",
        )
        return redirect("records_decisions:edit", self.decision.pk)


publish_decision = PublishDecisionView.as_view()


@require_POST
def close_record(request, pk: int):
    """Close an open record (the API's ``close``): its retention may start from the closure."""
    require(request.user, "records.change_record")
    record = access_record(request.user, pk)
    try:
        record = actions.close_record(request.user, record)
    except ACTION_ERRORS as error:
        messages.error(request, f"The record was not closed: {getattr(error, 'message', error)}")
    else:
        if record.file_class.action == "retain":
            message = "Record closed. Its class retains it permanently."
        elif record.disposal_due:
            message = f"Record closed. Disposal is due on {readable_date(record.disposal_due)}."
        else:
            message = "Record closed."
        messages.success(request, message)
    return redirect("records_detail", pk=record.pk)
