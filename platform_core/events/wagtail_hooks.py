from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("webhooks/", admin_views.endpoint_list, name="events_webhooks"),
        path("webhooks/add/", admin_views.endpoint_add, name="events_webhook_add"),
        path("webhooks/<int:pk>/", admin_views.endpoint_detail, name="events_webhook_detail"),
        path("webhooks/<int:pk>/edit/", admin_views.endpoint_edit, name="events_webhook_edit"),
        path(
            "webhooks/<int:pk>/delete/", admin_views.endpoint_delete, name="events_webhook_delete"
        ),
        path(
            "webhooks/<int:pk>/rotate/", admin_views.endpoint_rotate, name="events_webhook_rotate"
        ),
        path(
            "webhooks/deliveries/<int:pk>/",
            admin_views.delivery_detail,
            name="events_delivery_detail",
        ),
        path(
            "webhooks/deliveries/<int:pk>/replay/",
            admin_views.delivery_replay,
            name="events_delivery_replay",
        ),
        path("webhooks/dead-letters/", admin_views.dead_letters, name="events_dead_letters"),
        path(
            "webhooks/events/<int:pk>/replay/",
            admin_views.event_replay,
            name="events_event_replay",
        ),
    ]


class WebhooksMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_view(request.user)


@hooks.register("register_settings_menu_item")
def register_webhooks_menu_item():
    return WebhooksMenuItem(
        "Webhooks", reverse("events_webhooks"), name="webhooks", icon_name="link", order=900
    )
