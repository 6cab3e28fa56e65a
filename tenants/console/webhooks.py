"""The console's platform webhooks: platform staff subscribe HTTPS endpoints to platform event
types (a council provisioned, suspended, deleted ...; the catalogue's ``x-scope: "platform"``
types, never a council's), see each endpoint's deliveries and their attempts, rotate its
signing secret with an overlap window, disable and enable it, and replay dead letters.

Every write goes through ``platform_core.events.webhooks`` in the public schema, where it works
on the platform's tables (``PlatformWebhookEndpoint`` ...): the same signing, transport (SSRF
checks), retry schedule and dead letter as the councils' webhooks. Changes are recorded in
Django's admin log by the staff member who made them (shown on the endpoint's page).

The signing secret is shown once, on the page the console opens after the endpoint is made or
its secret rotated (the session carries which endpoint's secret to show, and the page takes it).
"""

from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.timezone import now
from django.views.decorators.http import require_http_methods, require_POST

from platform_core.errors import Refused
from platform_core.events import webhooks
from platform_core.models import PlatformWebhookDelivery, PlatformWebhookEndpoint

from .access import console_view
from .forms import EndpointActiveForm, PlatformWebhookForm, RotateSecretForm

VIEW = "platform_core.view_platformwebhookendpoint"
ADD = "platform_core.add_platformwebhookendpoint"
CHANGE = "platform_core.change_platformwebhookendpoint"
SHOW_SECRET = "console-webhook-secret"  # session key: the endpoint whose secret to show once


def _endpoint(pk: int) -> PlatformWebhookEndpoint:
    found = PlatformWebhookEndpoint.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("No such webhook endpoint.")
    return found


def _delivery(pk: int) -> PlatformWebhookDelivery:
    found = (
        PlatformWebhookDelivery.objects.select_related("endpoint", "event").filter(pk=pk).first()
    )
    if found is None:
        raise Http404("No such delivery.")
    return found


def _can_change(request) -> bool:
    return request.user.has_perm(CHANGE)


@require_http_methods(["GET", "HEAD"])
@console_view(VIEW)
def webhook_list(request):
    context = {
        "endpoints": PlatformWebhookEndpoint.objects.all(),
        "dead": PlatformWebhookDelivery.objects.filter(
            status=PlatformWebhookDelivery.Status.DEAD
        ).count(),
        "can_add": request.user.has_perm(ADD),
    }
    return render(request, "console/webhooks.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@console_view(VIEW, ADD)
def webhook_add(request):
    form = PlatformWebhookForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                endpoint = webhooks.create_endpoint(
                    request.user,
                    url=data["url"],
                    description=data["description"],
                    event_types=data["event_types"],
                )
            except ValueError as exc:
                form.add_error("event_types", str(exc))
            else:
                request.session[SHOW_SECRET] = endpoint.pk
                messages.success(
                    request,
                    "Subscribed. Copy the signing secret now: it is not shown again.",
                )
                return redirect("console-webhook", pk=endpoint.pk)
        status = 400
    return render(request, "console/webhook_add.html", {"form": form}, status=status)


def _detail(request, endpoint, *, rotate_form=None, active_form=None, status=200):
    shown = request.session.get(SHOW_SECRET)
    show_secret = shown == endpoint.pk and request.method in ("GET", "HEAD")
    if show_secret:
        del request.session[SHOW_SECRET]
    history = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PlatformWebhookEndpoint),
        object_id=str(endpoint.pk),
    ).select_related("user")[:20]
    overlap = endpoint.previous_secret_expires_at
    context = {
        "endpoint": endpoint,
        "show_secret": show_secret,
        "overlap_until": overlap
        if endpoint.previous_secret and overlap and overlap > now()
        else None,
        "deliveries": endpoint.deliveries.select_related("event")[:50],
        "rotate_form": rotate_form or RotateSecretForm(prefix="rotate"),
        "active_form": active_form,
        "can_change": _can_change(request),
        "history": history,
    }
    return render(request, "console/webhook.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
@console_view(VIEW)
def webhook_detail(request, pk):
    return _detail(request, _endpoint(pk))


@require_POST
@console_view(VIEW, CHANGE)
def webhook_rotate(request, pk):
    endpoint = _endpoint(pk)
    form = RotateSecretForm(request.POST, prefix="rotate")
    if not form.is_valid():
        return _detail(request, endpoint, rotate_form=form, status=400)
    endpoint = webhooks.rotate_secret(
        request.user, endpoint, overlap_hours=form.cleaned_data["overlap_hours"]
    )
    request.session[SHOW_SECRET] = endpoint.pk
    messages.success(
        request,
        "New signing secret. Copy it now: it is not shown again. The old one also signs every "
        f"delivery until {endpoint.previous_secret_expires_at:%-d %b %Y, %H:%M} UTC.",
    )
    return redirect("console-webhook", pk=endpoint.pk)


@require_POST
@console_view(VIEW, CHANGE)
def webhook_active(request, pk):
    endpoint = _endpoint(pk)
    form = EndpointActiveForm(request.POST, prefix="state")
    if not form.is_valid():
        return _detail(request, endpoint, active_form=form, status=400)
    active = form.cleaned_data["active"] == "on"
    if active == endpoint.active:
        messages.info(request, f"{endpoint.url} was already {'enabled' if active else 'disabled'}.")
    else:
        webhooks.update_endpoint(request.user, endpoint, active=active)
        messages.success(
            request,
            f"{endpoint.url} is enabled: queued deliveries are sent again."
            if active
            else f"{endpoint.url} is disabled: it gets nothing until it is enabled again.",
        )
    return redirect("console-webhook", pk=endpoint.pk)


@require_http_methods(["GET", "HEAD"])
@console_view(VIEW)
def delivery_detail(request, pk):
    delivery = _delivery(pk)
    body, _ = webhooks.request_for(delivery)
    context = {
        "delivery": delivery,
        "attempts": delivery.log.all()[:200],
        "body": body.decode(),
        "can_change": _can_change(request),
    }
    return render(request, "console/webhook_delivery.html", context)


@require_POST
@console_view(VIEW, CHANGE)
def delivery_replay(request, pk):
    delivery = _delivery(pk)
    try:
        webhooks.replay_delivery(request.user, delivery)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"The delivery of {delivery.event.type} is queued again (a new retry window)."
        )
    return redirect("console-webhook-delivery", pk=delivery.pk)


@require_http_methods(["GET", "HEAD"])
@console_view(VIEW)
def dead_letters(request):
    deliveries = (
        PlatformWebhookDelivery.objects.filter(status=PlatformWebhookDelivery.Status.DEAD)
        .select_related("endpoint", "event")
        .order_by("-id")[:200]
    )
    context = {"deliveries": deliveries, "can_change": _can_change(request)}
    return render(request, "console/webhook_dead.html", context)
