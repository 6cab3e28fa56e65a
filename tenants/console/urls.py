from django.contrib.auth import views as auth_views
from django.urls import path

from . import exports, features, lifecycle, otp, tasks, views, webhooks

urlpatterns = [
    path("", views.council_overview, name="console-overview"),
    path("login/", otp.ConsoleLoginView.as_view(), name="console-login"),
    path("verify/", otp.verify, name="console-verify"),
    path("enrol/", otp.enrol, name="console-enrol"),
    path(
        "logout/", auth_views.LogoutView.as_view(next_page="/console/login/"), name="console-logout"
    ),
    path("councils/<slug:slug>/", views.council_detail, name="console-council"),
    path("councils/<slug:slug>/suspend/", views.council_suspend, name="console-council-suspend"),
    path(
        "councils/<slug:slug>/reactivate/",
        views.council_reactivate,
        name="console-council-reactivate",
    ),
    path("councils/<slug:slug>/export/", exports.export_request, name="console-export-request"),
    path("councils/<slug:slug>/delete/", lifecycle.council_delete, name="console-council-delete"),
    path(
        "councils/<slug:slug>/cancel-deletion/",
        lifecycle.council_cancel_deletion,
        name="console-council-cancel-deletion",
    ),
    path("tasks/", tasks.failed_tasks, name="console-tasks"),
    path("tasks/<int:pk>/retry/", tasks.failed_task_retry, name="console-task-retry"),
    path("tasks/<int:pk>/dismiss/", tasks.failed_task_dismiss, name="console-task-dismiss"),
    path("exports/", exports.export_list, name="console-exports"),
    path("exports/<int:pk>/", exports.export_detail, name="console-export"),
    path("exports/<int:pk>/status/", exports.export_status, name="console-export-status"),
    path("exports/<int:pk>/download/", exports.export_download, name="console-export-download"),
    path("exports/<int:pk>/restore/", exports.export_restore, name="console-export-restore"),
    path("restores/<int:pk>/", exports.restore_detail, name="console-restore"),
    path("restores/<int:pk>/status/", exports.restore_status, name="console-restore-status"),
    path("councils/<slug:slug>/features/", features.council_features, name="console-features"),
    path("councils/<slug:slug>/org-id/", views.council_org_id, name="console-council-org-id"),
    path("requests/", views.council_requests, name="console-requests"),
    path("requests/<int:pk>/decide/", views.council_request_decide, name="console-request-decide"),
    path("data/", views.platform_data, name="console-data"),
    path("webhooks/", webhooks.webhook_list, name="console-webhooks"),
    path("webhooks/add/", webhooks.webhook_add, name="console-webhook-add"),
    path("webhooks/dead-letters/", webhooks.dead_letters, name="console-webhook-dead"),
    path("webhooks/<int:pk>/", webhooks.webhook_detail, name="console-webhook"),
    path("webhooks/<int:pk>/rotate/", webhooks.webhook_rotate, name="console-webhook-rotate"),
    path("webhooks/<int:pk>/state/", webhooks.webhook_active, name="console-webhook-state"),
    path(
        "webhooks/deliveries/<int:pk>/",
        webhooks.delivery_detail,
        name="console-webhook-delivery",
    ),
    path(
        "webhooks/deliveries/<int:pk>/replay/",
        webhooks.delivery_replay,
        name="console-webhook-replay",
    ),
]
