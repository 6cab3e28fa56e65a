"""The metric catalogue in the platform console (Django admin on the public schema): platform
staff define the metrics councils publish to. Saving and deleting go through the actions."""

from django.contrib import admin, messages

from platform_core.errors import Refused

from . import actions
from .models import PoolMetric


@admin.register(PoolMetric)
class CatalogueMetricAdmin(admin.ModelAdmin):
    list_display = [
        "metric_id",
        "title",
        "theme",
        "kind",
        "polarity",
        "unit",
        "is_context",
        "lginform_id",
    ]
    list_filter = ["theme", "is_context", "kind", "polarity", "synthetic"]
    search_fields = ["metric_id", "title", "lginform_id"]
    fields = [
        "metric_id",
        "title",
        "description",
        "unit",
        "polarity",
        "kind",
        "precision",
        "source",
        "theme",
        "lginform_id",
        "is_context",
    ]

    def get_readonly_fields(self, request, obj=None):
        return ["metric_id"] if obj else []

    def save_model(self, request, obj, form, change):
        values = {name: getattr(obj, name) for name in self.fields}
        if change:
            values.pop("metric_id")
            saved = actions.save_catalogue_metric(
                metric=PoolMetric.objects.get(pk=obj.pk), **values
            )
        else:
            saved = actions.save_catalogue_metric(**values)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        try:
            actions.delete_catalogue_metric(obj)
        except Refused as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def delete_queryset(self, request, queryset):
        for metric in queryset:
            self.delete_model(request, metric)
