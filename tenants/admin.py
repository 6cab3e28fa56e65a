"""The platform console: Django admin on the public schema, for platform staff."""

from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from . import actions
from .models import Council, CouncilRequest, Domain

admin.site.site_header = "Council Platform console"
admin.site.site_title = "Council Platform console"
admin.site.index_title = "Councils and platform"


def _staff_with_second_factor(request) -> bool:
    """The data editor under the console asks for what the console asks for: active staff
    signed in with their second factor (django-otp). Otherwise Django's admin sends them to
    admin:login, which is the console's own sign-in (/console/login/)."""
    verified = getattr(request.user, "is_verified", None)
    return bool(
        request.user.is_active and request.user.is_staff and verified is not None and verified()
    )


admin.site.has_permission = _staff_with_second_factor  # type: ignore[method-assign]


def console_urls():
    """The console's URLs, without the models of council-only apps.

    The console runs in the public schema only. Some council apps register their models with
    Django's admin (Wagtail's documents and images, taggit's tags); their tables exist only in
    councils' schemas, so their console pages could only answer 500. Called by the public
    URLconf, after every app's admin module has registered its models.
    """
    for model in list(admin.site._registry):
        if apps.get_app_config(model._meta.app_label).name not in settings.SHARED_APPS:
            admin.site.unregister(model)
    return admin.site.urls


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "gss_code",
        "tier",
        "region",
        "status",
        "admin_invitation",
        "created_at",
    ]
    list_filter = ["status", "tier", "region", "admin_invitation"]
    search_fields = ["name", "slug", "gss_code"]
    readonly_fields = [
        "schema_name",
        "slug",
        "created_at",
        "status",
        "admin_invitation",
        "admin_invitation_error",
    ]
    inlines = [DomainInline]
    actions = ["suspend", "reactivate", "send_admin_invitation"]

    def has_add_permission(self, request):
        return False  # councils are created by provisioning: approve a request, or the API/command

    def has_delete_permission(self, request, obj=None):
        return False  # nothing is deleted from the console; archive instead

    @admin.action(description="Suspend selected councils", permissions=["change"])
    def suspend(self, request, queryset):
        for council in queryset:
            actions.suspend_council(
                council, reason="Suspended from the console", actor=request.user
            )
        self.message_user(request, f"Suspended {queryset.count()} council(s).")

    @admin.action(description="Reactivate selected councils", permissions=["change"])
    def reactivate(self, request, queryset):
        for council in queryset:
            actions.reactivate_council(council, actor=request.user)
        self.message_user(request, f"Reactivated {queryset.count()} council(s).")

    @admin.action(
        description="Email a new set-password link to administrators who have not signed in",
        permissions=["change"],
    )
    def send_admin_invitation(self, request, queryset):
        for council in queryset:
            sent = actions.send_admin_invitation(council)
            if council.admin_invitation == Council.Invitation.FAILED:
                self.message_user(
                    request,
                    f"{council.name}: the email could not be sent "
                    f"({council.admin_invitation_error}).",
                    messages.ERROR,
                )
            elif sent:
                self.message_user(request, f"{council.name}: emailed {', '.join(sent)}.")
            else:
                self.message_user(
                    request,
                    f"{council.name}: every administrator has already set a password.",
                    messages.WARNING,
                )


@admin.register(CouncilRequest)
class CouncilRequestAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "gss_code", "tier", "contact_email", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "council", "decided_by", "decided_at", "created_at"]
    actions = ["approve", "reject"]

    def has_provision_permission(self, request) -> bool:
        return request.user.has_perm("tenants.add_council")

    @admin.action(description="Approve and provision selected requests", permissions=["provision"])
    def approve(self, request, queryset):
        for council_request in queryset:
            try:
                result = actions.approve_council_request(council_request, request.user)
            except ValidationError as exc:
                self.message_user(
                    request, f"{council_request.name}: {'; '.join(exc.messages)}", messages.ERROR
                )
                continue
            council = result.council
            provisioned = f"Provisioned {council.name} at {council.site_url()}"
            if council.admin_invitation == Council.Invitation.FAILED:
                # The council is committed and stays; only the email failed.
                self.message_user(
                    request,
                    f"{provisioned}, but the set-password email to {result.admin_email} could not "
                    f"be sent ({council.admin_invitation_error}). Send it again from Councils "
                    f'→ "Email a new set-password link".',
                    messages.WARNING,
                )
            elif council.admin_invitation == Council.Invitation.SENT:
                self.message_user(
                    request, f"{provisioned}; {result.admin_email} was emailed a set-password link."
                )
            else:
                self.message_user(
                    request,
                    f"{provisioned}; {result.admin_email} will be emailed a set-password link.",
                )

    @admin.action(description="Reject selected requests", permissions=["change"])
    def reject(self, request, queryset):
        for council_request in queryset.filter(status=CouncilRequest.Status.PENDING):
            actions.reject_council_request(council_request, request.user)
