"""The analysts' own admin screens (menu: admin_viewsets.IntelligenceGroup): import a CSV with a
preview and every error listed by line before anything is written, publish to the pool with a
preview of what is shared and suppressed and why, and the observations export.

Import, in two steps: "Check" reads the file with the import's rules
(``actions.check_observations``) and writes nothing to the warehouse; a clean file is held in
the cache (keyed by the council — django-tenants' cache key function — the user and a random
token) for ``HOLD_SECONDS``, and "Import" loads exactly that file with
``actions.import_observations``, which checks it again. The cache holds nothing else and a lost
entry only means "upload it again".
"""

import secrets

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from platform_core.errors import DomainError

from . import actions, pool
from .exports import observations_csv
from .models import ImportBatch, Observation

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
HOLD_SECONDS = 30 * 60


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns metric_id,area_code,period,value and optionally numerator,denominator; "
        "the first line is the header.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"The file is {upload.size:,} bytes; the most one import takes is "
                f"{MAX_UPLOAD_BYTES:,} (split it, or use the API or manage.py import_observations)."
            )
        data = upload.read()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                "The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again."
            ) from None
        return upload.name, text


class PublishForm(forms.Form):
    embargo_until = forms.DateField(
        required=False,
        label="Embargo until (optional)",
        help_text="Other readers see the values from this date; your council sees them at once.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _hold_key(request, token: str) -> str:
    return f"warehouse:import-check:{request.user.pk}:{token}"


class ImportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "warehouse/admin/import.html"
    page_title = "Import observations"
    header_icon = "upload"
    _show_breadcrumbs = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("warehouse.add_importbatch"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": "Import observations"}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", UploadForm())
        context["batches"] = ImportBatch.objects.select_related("imported_by")[:10]
        context["columns"] = actions.CSV_COLUMNS
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "import":
            return self._import(request)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        filename, text = form.cleaned_data["file"]
        check = actions.check_observations(text)
        token = ""
        if check.ok:
            token = secrets.token_urlsafe(16)
            cache.set(_hold_key(request, token), (filename, text), HOLD_SECONDS)
        context = self.get_context_data(check=check, filename=filename, token=token)
        return self.render_to_response(context, status=200 if check.ok else 400)

    def _import(self, request):
        token = request.POST.get("token", "")
        held = cache.get(_hold_key(request, token)) if token.isascii() and len(token) < 64 else None
        if held is None:
            context = self.get_context_data(
                hold_error="The checked file is no longer held (files are kept for 30 minutes "
                "after the check): upload it again."
            )
            return self.render_to_response(context, status=400)
        filename, text = held
        try:
            result = actions.import_observations(text, filename=filename, user=request.user)
        except actions.ImportErrors as exc:
            # The warehouse changed since the check (a metric deleted): nothing was imported.
            check = actions.ImportCheck([], [], 0, exc.errors, exc.truncated)
            context = self.get_context_data(check=check, filename=filename, token="")
            return self.render_to_response(context, status=400)
        cache.delete(_hold_key(request, token))
        messages.success(
            request,
            f"Imported {filename}: {result.rows:,} rows ({result.created:,} new, "
            f"{result.updated:,} replaced).",
        )
        return redirect("warehouse_import:index")


class PublishView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "warehouse/admin/publish.html"
    page_title = "Publish to the benchmarking pool"
    header_icon = "globe"
    _show_breadcrumbs = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("warehouse.view_metric"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        may, reason = pool.may_publish(self.request.user)
        context.update(
            preview=pool.publication_preview(),
            may_publish=may,
            reason=reason,
            suppression_rules=[
                "A count under 10 is suppressed; other counts are rounded to the nearest 5.",
                "A rate or percentage whose numerator or denominator is under 10 is suppressed "
                "(with a known denominator it would give the small count away).",
                "Numerators and denominators are counts: under 10 they are not published, "
                "otherwise rounded to the nearest 5.",
                "Money and scores are published as they are.",
                "Only the council's own figures are shared (area code = the council's GSS code), "
                "never its wards' or LSOAs'.",
            ],
        )
        context.setdefault("form", PublishForm())
        return context

    def post(self, request, *args, **kwargs):
        may, reason = pool.may_publish(request.user)
        if not may:
            messages.error(request, reason)
            return self.render_to_response(self.get_context_data(), status=403)
        form = PublishForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            result = pool.publish_to_pool(embargo_until=form.cleaned_data["embargo_until"])
        except (ValidationError, DomainError) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, f"Nothing was published: {text}")
            return self.render_to_response(self.get_context_data(form=form), status=400)
        skipped = f"; skipped {', '.join(result.skipped)}" if result.skipped else ""
        messages.success(
            request,
            f"Published {result.values:,} values of {result.metrics:,} metrics "
            f"({result.suppressed:,} suppressed, {result.withdrawn:,} withdrawn){skipped}.",
        )
        return redirect("warehouse_publish:index")


def export_observations(request):
    """The observations the index shows for the same filters, every row (not one page), in the
    import's format, through the platform's CSV writer."""
    from .admin_viewsets import ObservationFilterSet

    if not request.user.has_perm("warehouse.view_observation"):
        raise PermissionDenied
    filterset = ObservationFilterSet(
        request.GET or None, queryset=Observation.objects.all(), request=request
    )
    if filterset.is_bound and not filterset.is_valid():
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items())
        return HttpResponse(
            f"Bad filter: {errors}", status=400, content_type="text/plain; charset=utf-8"
        )
    queryset = filterset.qs.order_by("metric__metric_id", "area_code", "period_start")
    return observations_csv(queryset)
