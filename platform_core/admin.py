"""The console's page of platform events (Django admin on the public schema, "Platform data"):
the public schema's outbox, read-only, with a replay action for dead-lettered events."""

from django.contrib import admin, messages

from .models import PlatformOutboxEvent


@admin.register(PlatformOutboxEvent)
class PlatformOutboxEventAdmin(admin.ModelAdmin):
    list_display = ["id", "type", "council", "subject", "status", "attempts", "time"]
    list_filter = ["status", "type"]
    search_fields = ["council", "subject", "event_id"]
    ordering = ["-id"]
    actions = ["replay_dead"]
    readonly_fields = [f.name for f in PlatformOutboxEvent._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_replay_permission(self, request) -> bool:
        return request.user.is_superuser or request.user.has_perm(
            "platform_core.change_platformoutboxevent"
        )

    @admin.action(description="Replay the selected dead-lettered events", permissions=["replay"])
    def replay_dead(self, request, queryset):
        from .events.outbox import _wake_on_commit
        from .events.relay import replay

        dead = list(queryset.filter(status=PlatformOutboxEvent.Status.DEAD))
        for event in dead:
            replay(event)
            self.log_change(request, event, "Replayed (dead letter put back in the queue)")
        if dead:
            from django_tenants.utils import get_public_schema_name

            _wake_on_commit(get_public_schema_name())
        skipped = queryset.count() - len(dead)
        self.message_user(
            request,
            f"{len(dead)} event(s) put back in the queue"
            + (f"; {skipped} not dead-lettered, left as they were." if skipped else "."),
            messages.SUCCESS if dead else messages.WARNING,
        )
