"""Wagtail admin screens (Settings > Webhooks) for council administrators: subscribe endpoints,
rotate secrets, enable/disable, inspect each delivery and its attempts, replay dead letters
(webhook deliveries and internal outbox events). Writes go through ``webhooks`` actions; every
object is looked up in the current council's schema, so another council's id is a 404."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from platform_core.audit.log import append as audit
from platform_core.errors import Refused

from . import webhooks
from .models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from .registry import catalogue
from .relay import replay as replay_event

ICON = "link"


def _require(request, verb: str) -> None:
    if not request.user.has_perm(f"events.{verb}_webhookendpoint"):
        raise PermissionDenied


def can_view(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("events.view_webhookendpoint"))


def _type_choices():
    # Platform events (public schema) are not a council's to subscribe to.
    return [(name, name) for name in sorted({t.type for t in catalogue() if t.scope == "council"})]


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="Endpoint URL",
        max_length=500,
        help_text="https:// on a public address. Deliveries are signed (see the secret).",
    )
    description = forms.CharField(max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label="Event types", widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = self.fields["event_types"]
        assert isinstance(types, forms.MultipleChoiceField)
        types.choices = _type_choices()


class EditEndpointForm(EndpointForm):
    active = forms.BooleanField(required=False, help_text="Disabled endpoints get nothing.")


def _page(request, template, title, **context):
    return TemplateResponse(
        request,
        f"events/admin/{template}.html",
        {"page_title": title, "header_icon": ICON, **context},
    )


@require_http_methods(["GET"])
def endpoint_list(request):
    _require(request, "view")
    return _page(
        request,
        "endpoint_list",
        "Webhooks",
        endpoints=WebhookEndpoint.objects.all(),
        dead=WebhookDelivery.objects.filter(status=WebhookDelivery.Status.DEAD).count(),
        dead_events=OutboxEvent.objects.filter(status=OutboxEvent.Status.DEAD).count(),
    )


def _save(request, form, action):
    try:
        return action(form.cleaned_data)
    except ValueError as exc:  # UnsafeURL and bad types name their problem
        field = "url" if "URL" in str(exc) or "host" in str(exc) else "event_types"
        form.add_error(field, str(exc))
        return None


@require_http_methods(["GET", "POST"])
def endpoint_add(request):
    _require(request, "add")
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint = _save(
            request,
            form,
            lambda data: webhooks.create_endpoint(
                request.user,
                url=data["url"],
                description=data["description"],
                event_types=data["event_types"],
            ),
        )
        if endpoint:
            messages.success(request, "Subscribed. Give the receiver the signing secret below.")
            return redirect("events_webhook_detail", pk=endpoint.pk)
    return _page(request, "endpoint_form", "Add a webhook endpoint", form=form)


@require_http_methods(["GET"])
def endpoint_detail(request, pk: int):
    _require(request, "view")
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    return _page(
        request,
        "endpoint_detail",
        f"Webhook {endpoint.url}",
        endpoint=endpoint,
        show_secret=request.user.has_perm("events.change_webhookendpoint"),
        deliveries=endpoint.deliveries.select_related("event")[:100],
    )


@require_http_methods(["GET", "POST"])
def endpoint_edit(request, pk: int):
    _require(request, "change")
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": endpoint.event_types,
        "active": endpoint.active,
    }
    form = EditEndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(
            request, form, lambda data: webhooks.update_endpoint(request.user, endpoint, **data)
        )
        if saved:
            messages.success(request, "Saved.")
            return redirect("events_webhook_detail", pk=endpoint.pk)
    return _page(request, "endpoint_form", f"Edit {endpoint.url}", form=form, endpoint=endpoint)


@require_http_methods(["GET", "POST"])
def endpoint_delete(request, pk: int):
    _require(request, "delete")
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    if request.method == "POST":
        webhooks.delete_endpoint(request.user, endpoint)
        messages.success(request, "Endpoint deleted; it gets no more deliveries.")
        return redirect("events_webhooks")
    return _page(request, "endpoint_delete", f"Delete {endpoint.url}", endpoint=endpoint)


@require_http_methods(["POST"])
def endpoint_rotate(request, pk: int):
    _require(request, "change")
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    endpoint = webhooks.rotate_secret(request.user, endpoint)
    messages.success(
        request,
        "New secret. The old one also signs every delivery until "
        f"{endpoint.previous_secret_expires_at:%d %B %Y %H:%M} UTC.",
    )
    return redirect("events_webhook_detail", pk=endpoint.pk)


@require_http_methods(["GET"])
def delivery_detail(request, pk: int):
    _require(request, "view")
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("endpoint", "event"), pk=pk)
    body, _ = webhooks.request_for(delivery)
    return _page(
        request,
        "delivery_detail",
        f"Delivery of {delivery.event.type}",
        delivery=delivery,
        attempts=delivery.log.all()[:200],
        body=body.decode(),
    )


@require_http_methods(["POST"])
def delivery_replay(request, pk: int):
    _require(request, "change")
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    try:
        webhooks.replay_delivery(request.user, delivery)
        messages.success(request, "Queued again: it is sent within a few seconds.")
    except Refused as exc:
        messages.error(request, str(exc))
    return redirect("events_delivery_detail", pk=delivery.pk)


@require_http_methods(["GET"])
def dead_letters(request):
    _require(request, "view")
    return _page(
        request,
        "dead_letters",
        "Dead letters",
        deliveries=WebhookDelivery.objects.filter(status=WebhookDelivery.Status.DEAD)
        .select_related("endpoint", "event")
        .order_by("-id")[:200],
        events=OutboxEvent.objects.filter(status=OutboxEvent.Status.DEAD).order_by("-id")[:200],
    )


@require_http_methods(["POST"])
def event_replay(request, pk: int):
    """Put a dead outbox event back in the queue for its internal handlers (audited)."""
    _require(request, "change")
    event = get_object_or_404(OutboxEvent, pk=pk)
    if event.status != OutboxEvent.Status.DEAD:
        messages.error(request, "Only a dead-lettered event can be replayed.")
        return redirect("events_dead_letters")
    replay_event(event)
    audit(
        "events.event.replayed",
        event,
        actor=request.user,
        detail={"event": str(event.event_id), "type": event.type},
    )
    webhooks._wake_on_commit()
    messages.success(request, "Queued again for its handlers.")
    return redirect("events_dead_letters")
