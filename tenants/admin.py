"""The platform console: Django admin on the public schema, for platform staff."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from . import actions
from .models import Council, CouncilRequest, Domain

admin.site.site_header = "Council Platform console"
admin.site.site_title = "Council Platform console"
admin.site.index_title = "Councils and platform"


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "gss_code", "tier", "region", "status", "created_at"]
    list_filter = ["status", "tier", "region"]
    search_fields = ["name", "slug", "gss_code"]
    readonly_fields = ["schema_name", "slug", "created_at", "status"]
    inlines = [DomainInline]
    actions = ["suspend", "reactivate"]

    def has_add_permission(self, request):
        return False  # councils are created by provisioning: approve a request, or the API/command

    def has_delete_permission(self, request, obj=None):
        return False  # nothing is deleted from the console; archive instead

    @admin.action(description="Suspend selected councils")
    def suspend(self, request, queryset):
        for council in queryset:
            actions.suspend_council(council, reason=f"Suspended by {request.user.get_username()}")
        self.message_user(request, f"Suspended {queryset.count()} council(s).")

    @admin.action(description="Reactivate selected councils")
    def reactivate(self, request, queryset):
        for council in queryset:
            actions.reactivate_council(council)
        self.message_user(request, f"Reactivated {queryset.count()} council(s).")


@admin.register(CouncilRequest)
class CouncilRequestAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "gss_code", "tier", "contact_email", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "council", "decided_by", "decided_at", "created_at"]
    actions = ["approve", "reject"]

    @admin.action(description="Approve and provision selected requests")
    def approve(self, request, queryset):
        for council_request in queryset:
            try:
                result = actions.approve_council_request(council_request, request.user)
            except ValidationError as exc:
                self.message_user(
                    request, f"{council_request.name}: {'; '.join(exc.messages)}", messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    f"Provisioned {result.council.name} at {result.council.site_url()}; "
                    f"the administrator was emailed a set-password link.",
                )

    @admin.action(description="Reject selected requests")
    def reject(self, request, queryset):
        for council_request in queryset.filter(status=CouncilRequest.Status.PENDING):
            actions.reject_council_request(council_request, request.user)
