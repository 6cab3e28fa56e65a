"""The analysts' screens in the council's Wagtail admin: an "Intelligence" menu of Wagtail
viewsets over the warehouse — metrics (mapped onto the platform's benchmark catalogue), KPIs,
KPI targets, observations (browse, filter, export) — and two screens of their own, importing a
CSV (admin_views.ImportView) and publishing to the pool (admin_views.PublishView).

Every write goes through ``warehouse.actions`` (and the pool's side through ``warehouse.pool``):
the views' ``save_instance``/``delete_action`` call them, and a ValidationError an action raises
is shown on the form, naming the field. Menu items follow the warehouse's model permissions
(the Analysts and Council administrators groups, warehouse/permissions.py): no one else sees
the menu or reaches the views.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.urls import path, reverse
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton

from intelligence.benchmarking import access as pool_access
from platform_core.admin_forms import attach_errors
from platform_core.periods import PeriodError, parse_period

from . import actions, pool
from .models import Kpi, KpiTarget, Metric, Observation


class ActionFormMixin:
    """Create/edit views whose ``save_instance`` calls an action: its refusal is a form error
    (nothing written: the view saves inside one transaction, rolled back)."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            attach_errors(form, exc)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def form_fields(self) -> dict:
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if name in self.form._meta.fields
        }


# --- Metrics ----------------------------------------------------------------------------------
def catalogue_choices(current: str = "") -> list[tuple[str, str]]:
    """The platform catalogue's metrics a council may map onto (context metrics are platform
    data), by title; the metric's current mapping stays listed even if no longer offered."""
    entries = sorted(
        (e for e in pool_access.catalogue_entries().values() if not e.is_context),
        key=lambda e: e.title.lower(),
    )
    choices = [("", "Not mapped (a shared metric is published under its own id)")]
    choices += [(e.metric_id, f"{e.title} ({e.metric_id}, {e.kind})") for e in entries]
    if current and current not in {c[0] for c in choices}:
        choices.append((current, f"{current} (not in the catalogue)"))
    return choices


class MetricForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "pool_metric" in self.fields:
            field = self.fields["pool_metric"]
            self.fields["pool_metric"] = forms.ChoiceField(
                label=field.label,
                required=False,
                choices=catalogue_choices(self.instance.pool_metric or ""),
                help_text=(
                    "The platform's benchmarking catalogue metric this metric is published as. "
                    "Only its values are published; the catalogue owns the title, unit and "
                    "direction."
                ),
            )

    def _post_clean(self):
        super()._post_clean()
        if self.errors or not (self.instance.shared or self.instance.pool_metric):
            return
        try:  # the pool's mapping rule, shown on the field before anything is saved
            pool.check_mapping(self.instance)
        except ValidationError as exc:
            self._update_errors(exc)


class MetricCreateView(ActionFormMixin, CreateView):
    def save_instance(self):
        return actions.save_metric(**self.form_fields())


class MetricEditView(ActionFormMixin, EditView):
    def save_instance(self):
        return actions.save_metric(metric=self.form.instance, **self.form_fields())


class MetricDeleteView(DeleteView):
    def delete_action(self):
        actions.delete_metric(self.object)


class MetricViewSet(ModelViewSet):
    model = Metric
    icon = "table"
    menu_label = "Metrics"
    add_to_admin_menu = False
    copy_view_enabled = False
    add_view_class = MetricCreateView
    edit_view_class = MetricEditView
    delete_view_class = MetricDeleteView
    list_display = ["metric_id", "title", "kind", "category", "shared", "pool_metric"]
    list_filter = ["category", "kind", "polarity", "shared"]
    search_fields = ["metric_id", "title", "description"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("metric_id"), FieldPanel("title"), FieldPanel("description")],
                heading="The metric",
            ),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("unit"), FieldPanel("polarity")]),
            FieldPanel("category"),
            FieldRowPanel([FieldPanel("source"), FieldPanel("lginform_id")]),
            MultiFieldPanel(
                [FieldPanel("shared"), FieldPanel("pool_metric"), FieldPanel("embargo_until")],
                heading="Benchmarking pool",
                help_text="Shared metrics are published (values only, after disclosure control) "
                "as the catalogue metric they are mapped onto.",
            ),
        ],
        base_form_class=MetricForm,
    )


# --- KPIs and their targets -------------------------------------------------------------------
class KpiForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "metric" in self.fields:
            # A KPI is its metric: make another metric a KPI rather than moving this one.
            self.fields["metric"].disabled = True


class KpiCreateView(ActionFormMixin, CreateView):
    def save_instance(self):
        return actions.save_kpi(**self.form_fields())


class KpiEditView(ActionFormMixin, EditView):
    def save_instance(self):
        return actions.save_kpi(**{**self.form_fields(), "metric": self.object.metric})


class KpiDeleteView(DeleteView):
    def delete_action(self):
        actions.delete_kpi(self.object)


class KpiViewSet(ModelViewSet):
    model = Kpi
    icon = "crosshairs"
    menu_label = "KPIs"
    add_to_admin_menu = False
    copy_view_enabled = False
    add_view_class = KpiCreateView
    edit_view_class = KpiEditView
    delete_view_class = KpiDeleteView
    list_display = [
        "display_title",
        "metric",
        Column("amber_tolerance_percent", label="Amber within (%)"),
        "order",
    ]
    search_fields = ["title", "metric__title", "metric__metric_id"]
    edit_handler = ObjectList(
        [
            FieldPanel("metric"),
            FieldPanel("title", help_text="Leave empty to use the metric's title"),
            FieldRowPanel([FieldPanel("amber_tolerance_percent"), FieldPanel("order")]),
        ],
        base_form_class=KpiForm,
    )


class KpiTargetCreateView(ActionFormMixin, CreateView):
    def save_instance(self):
        return actions.save_kpi_target(**self.form_fields())


class KpiTargetEditView(ActionFormMixin, EditView):
    def save_instance(self):
        return actions.save_kpi_target(existing=self.object, **self.form_fields())


class KpiTargetDeleteView(DeleteView):
    def delete_action(self):
        actions.delete_kpi_target(self.object)


class KpiTargetFilterSet(WagtailFilterSet):
    kpi = django_filters.ModelChoiceFilter(queryset=Kpi.objects.select_related("metric"))

    class Meta:
        model = KpiTarget
        fields = ["kpi"]


class KpiTargetViewSet(ModelViewSet):
    model = KpiTarget
    icon = "date"
    menu_label = "KPI targets"
    add_to_admin_menu = False
    copy_view_enabled = False
    add_view_class = KpiTargetCreateView
    edit_view_class = KpiTargetEditView
    delete_view_class = KpiTargetDeleteView
    list_display = ["kpi", "period", "target"]
    filterset_class = KpiTargetFilterSet
    edit_handler = ObjectList(
        [
            FieldPanel("kpi"),
            FieldPanel("period", help_text="For example 2025-26, 2025-26 Q1 or 2025-04"),
            FieldPanel("target"),
        ]
    )


# --- Observations: browse, filter, export -----------------------------------------------------
def validate_period(value: str) -> None:
    try:
        parse_period(value)
    except PeriodError as exc:
        raise ValidationError(str(exc)) from None


class ObservationFilterSet(WagtailFilterSet):
    metric = django_filters.ModelChoiceFilter(queryset=Metric.objects.all())
    area_code = django_filters.CharFilter(label="Area code (GSS)")
    period = django_filters.CharFilter(
        label="Period", validators=[validate_period], help_text="For example 2025-26"
    )

    class Meta:
        model = Observation
        fields = ["metric", "area_code", "period"]


class ObservationIndexView(IndexView):
    @property
    def header_buttons(self):
        query = self.request.GET.copy()
        for name in ("p", "ordering"):
            query.pop(name, None)
        url = reverse("warehouse_observations:export")
        if query:
            url += "?" + query.urlencode()
        return [HeaderButton("Download CSV", url=url, icon_name="download")]


class ObservationViewSet(ModelViewSet):
    """Observations are read here (imports write them): the index, its filters and a CSV export
    of exactly the filtered rows, in the import's format."""

    model = Observation
    name = "warehouse_observations"
    icon = "list-ul"
    menu_label = "Observations"
    add_to_admin_menu = False
    index_view_class = ObservationIndexView
    filterset_class = ObservationFilterSet
    list_display = [
        Column("metric_id", label="Metric", accessor=lambda o: o.metric.metric_id),
        "area_code",
        "period",
        "value",
        "numerator",
        "denominator",
    ]
    list_per_page = 50
    form_fields = ["metric", "area_code", "period", "value"]  # no add/edit views are routed

    copy_view_enabled = False

    def get_queryset(self, request):
        return Observation.objects.select_related("metric")

    def get_common_view_kwargs(self, **kwargs):
        # Only the index is routed: no add, edit, delete, history or usage links.
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in ("add", "edit", "delete", "history", "usage"):
            view_kwargs[f"{name}_url_name"] = None
        return view_kwargs

    def get_urlpatterns(self):
        from .admin_views import export_observations

        kept = [p for p in super().get_urlpatterns() if p.name in ("index", "index_results")]
        return [*kept, path("export/", export_observations, name="export")]


# --- Import and publish: screens of their own, in the same menu --------------------------------
def _menu_item_for(permission: str):
    class PermissionMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.has_perm(permission)

    return PermissionMenuItem


class ImportViewSet(ViewSet):
    name = "warehouse_import"
    icon = "upload"
    menu_label = "Import a CSV"
    menu_item_class = _menu_item_for("warehouse.add_importbatch")

    def get_urlpatterns(self):
        from .admin_views import ImportView

        return [path("", ImportView.as_view(), name="index")]


class PublishViewSet(ViewSet):
    name = "warehouse_publish"
    icon = "globe"
    menu_label = "Publish to the pool"
    menu_item_class = _menu_item_for("warehouse.view_metric")

    def get_urlpatterns(self):
        from .admin_views import PublishView

        return [path("", PublishView.as_view(), name="index")]


class IntelligenceGroup(ViewSetGroup):
    menu_label = "Intelligence"
    menu_icon = "table"
    menu_order = 270
    items = (
        MetricViewSet("warehouse_metrics"),
        KpiViewSet("warehouse_kpis"),
        KpiTargetViewSet("warehouse_kpi_targets"),
        ObservationViewSet(),
        ImportViewSet(),
        PublishViewSet(),
    )
