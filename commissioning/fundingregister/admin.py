"""The platform-wide register in the platform console (Django admin on the public schema)."""

from django.contrib import admin

from . import actions
from .actions import CALL_FIELDS
from .models import PlatformCall


@admin.register(PlatformCall)
class PlatformCallAdmin(admin.ModelAdmin):
    list_display = ["programme", "funder", "amount_max", "opens_on", "closes_on"]
    list_filter = ["funder"]
    search_fields = ["programme", "funder", "reference", "description"]
    fields = list(CALL_FIELDS)

    def save_model(self, request, obj, form, change):
        values = {name: getattr(obj, name) for name in CALL_FIELDS}
        existing = PlatformCall.objects.get(pk=obj.pk) if change else None
        saved = actions.save_platform_call(existing, **values)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        actions.delete_platform_call(obj)
