"""Request routing by host: the council's schema, or the platform's public schema."""

from contextvars import ContextVar

import structlog
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http.request import split_domain_port
from django.template.response import TemplateResponse
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import remove_www
from wagtail.contrib.redirects.middleware import RedirectMiddleware

from platform_core import hosts
from platform_core.db import connection

# The Host header's domain of the request being routed (set before the Domain lookup).
_requested_host: ContextVar[str | None] = ContextVar("requested_host", default=None)


class CouncilTenantMiddleware(TenantMainMiddleware):
    """django-tenants' host routing, plus the council lifecycle.

    Unknown hosts get the platform's branded 404 (``DEFAULT_NOT_FOUND_TENANT_VIEW``); a suspended
    council answers 503 on every path (site, admin, API) so its staff cannot sign in; an archived
    council answers 404 like an unknown host. Nothing is deleted by either state.

    Host validation: the council is looked up by the raw Host header; when the Domain table has
    it, that host is allowed for the rest of the request (``platform_core.hosts.CouncilDomains``
    in ``ALLOWED_HOSTS``), so a council's own domain works as soon as its Domain row exists.
    Any other host must match the static ``ALLOWED_HOSTS`` patterns or is refused with a 400.
    """

    sync_capable = True
    async_capable = False

    def __call__(self, request):
        token = hosts.council_host_scope()
        try:
            return super().__call__(request)
        finally:
            hosts.end_council_host_scope(token)

    def hostname_from_request(self, request):
        domain, _port = split_domain_port(request._get_raw_host())
        if not domain:
            raise DisallowedHost("Invalid HTTP_HOST header")
        _requested_host.set(domain)
        return remove_www(domain)

    def get_tenant(self, domain_model, hostname):
        domain = domain_model.objects.select_related("tenant").get(domain=hostname)
        hosts.allow_council_host(_requested_host.get() or hostname)
        return domain.tenant

    def process_request(self, request):
        response = super().process_request(request)
        if response is not None:
            return response
        council = request.tenant
        if council.schema_name == connection.schema_name and not council.is_public:
            if council.status == council.Status.SUSPENDED:
                connection.set_schema_to_public()
                from platform_core.api.errors import is_api_path, json_error

                if _is_static_path(request.path_info):
                    # The 503 page's own stylesheet, scripts, fonts and favicon: WhiteNoise (next
                    # in the chain) serves them; a miss is the platform's plain 404.
                    request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
                    return None
                if is_api_path(request.path_info):
                    return json_error(503, f"{council.name}'s workspace is suspended.", "suspended")
                from platform_core.councilcontact import contact_details

                return TemplateResponse(
                    request,
                    "platform/suspended.html",
                    {"suspended_council": council, "contact": contact_details(council)},
                    status=503,
                ).render()
            if council.status == council.Status.ARCHIVED:
                connection.set_schema_to_public()
                from platform_core.views import unknown_host

                return unknown_host(request)
        return None


def _is_static_path(path: str) -> bool:
    """Files WhiteNoise serves: collected static files and GOV.UK Frontend's /assets/."""
    return path.startswith((settings.STATIC_URL, "/assets/"))


class RequestContextMiddleware:
    """Binds the request id (``X-Request-ID`` when plausible, else a new one) and the council to
    every log line of the request, answers the id in ``X-Request-ID``, and logs the request once
    when it is done (method, path, status, duration): platform_core/observability.py."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        from platform_core.observability import bind_request

        started = time.monotonic()
        tenant = getattr(request, "tenant", None)
        council = None if tenant is None or tenant.is_public else tenant.slug
        request_id = bind_request(request.headers.get("X-Request-ID"), council)
        request.request_id = request_id
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        _request_log.info(
            "request",
            method=request.method,
            path=request.path_info[:300],
            status=response.status_code,
            duration_ms=round((time.monotonic() - started) * 1000, 1),
        )
        return response


_request_log = structlog.get_logger("platform.request")


class CouncilRedirectMiddleware(RedirectMiddleware):
    """Wagtail's redirects, for council sites only: the public schema has no Wagtail tables."""

    def process_response(self, request, response):
        tenant = getattr(request, "tenant", None)
        # (A suspended council's static files are looked up on the public schema.)
        if tenant is None or tenant.is_public or connection.schema_name == "public":
            return response
        return super().process_response(request, response)


class PreviewFramingMiddleware:
    """Wagtail's live preview and its accessibility checks run the page inside an iframe of the
    admin (same origin). Wagtail renders the preview by sending a simulated request for the page's
    public URL through the middleware again (``request.is_preview``, set only by that in-process
    handler, never by a visitor's request), so the public pages' ``frame-ancestors 'none'`` and
    ``X-Frame-Options: DENY`` would blank the panel. For that simulated request only, framing by
    the same origin is allowed; every public response keeps ``'none'``/``DENY``.

    Sits just inside ``CSPMiddleware`` (listed after it) so the policy is built with the change.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "is_preview", False) and getattr(request, "is_dummy", False):
            response._csp_replace = {"frame-ancestors": ["'self'"]}
            response["X-Frame-Options"] = "SAMEORIGIN"
        return response


class BadInputMiddleware:
    """Refuses NUL, other control characters and unpaired surrogates in the URL path, the query
    string and a form-encoded body, before any view sees them (JSON bodies are checked by the
    API's JSON parser, multipart fields by the form and serializer fields). The answer is a 400:
    the JSON error envelope on API paths, the branded "bad request" page elsewhere."""

    FORM_TYPE = "application/x-www-form-urlencoded"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.core.exceptions import RequestDataTooBig
        from django.http import QueryDict

        from platform_core.inputcheck import BadInput, check_params, check_text

        try:
            check_text("path", request.path_info, path=True)
            check_params("query", request.GET)
            if request.content_type == self.FORM_TYPE and request.method not in ("GET", "HEAD"):
                try:
                    body = request.body
                except RequestDataTooBig:
                    return _too_large(request)
                check_params("body", QueryDict(body, encoding=request.encoding))
        except BadInput as exc:
            return _bad_request(request, exc)
        return self.get_response(request)


def _bad_request(request, exc):
    from platform_core.api.errors import bad_input_response, is_api_path

    if is_api_path(request.path_info):
        return bad_input_response(exc)
    from platform_core.views import bad_request

    return bad_request(request, message=f"{exc.where} {exc.message}")


def _too_large(request):
    from platform_core.api.errors import is_api_path, json_error

    if is_api_path(request.path_info):
        return json_error(413)
    from django.http import HttpResponse

    return HttpResponse("Request body too large.", status=413, content_type="text/plain")


class ApiErrorEnvelopeMiddleware:
    """Outermost: every error under an API path leaves in the JSON error envelope, whoever made
    it (Django's 404 for an unknown URL, a 405 from a plain view, CSRF's 403, a CSV renderer's
    error, the suspended council's 503). Responses that already carry the envelope pass."""

    KEEP_HEADERS = {"content-type", "content-length", "content-disposition"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400:
            return response
        from django.conf import settings

        from platform_core.api.errors import is_api_path, json_error

        if not is_api_path(request.path_info):
            return response
        if settings.DEBUG and response.status_code == 500:
            return response  # Django's technical page, for developers
        data = getattr(response, "error_envelope", None)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("application/json"):
            if data is not None or _is_envelope(response):
                return response
        if data is not None:
            error = data["error"]
            replacement = json_error(
                response.status_code, error["message"], error["code"], error["fields"]
            )
        else:
            replacement = json_error(response.status_code)
        for name, value in response.items():
            if name.lower() not in self.KEEP_HEADERS:
                replacement[name] = value
        return replacement


def _is_envelope(response) -> bool:
    import json

    if response.streaming:
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, dict) and {"code", "message", "fields"} <= set(error)


class PasswordResetThrottleMiddleware:
    """Rate limits on asking for a password-reset email (the Wagtail admin's "Forgotten
    password?" form): per client address and per account asked about, like the sign-in lockout
    (``platform_core.clientip``; counters in the default cache, whose keys carry the council's
    schema). Without them anyone could mail-bomb a member of staff, or use the platform to send
    mail at volume. The per-account limit counts whatever address was typed, whether or not an
    account has it, so the answer reveals nothing. Rate: ``PASSWORD_RESET_THROTTLE``.
    """

    URL_NAMES = {"wagtailadmin_password_reset": "email"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        field = self.URL_NAMES.get(match.view_name if match else "")
        if field is None or request.method != "POST":
            return None
        import hashlib

        from platform_core.api.throttling import ClientAddressThrottle, KeyedThrottle

        account = (request.POST.get(field) or "").strip().lower()
        digest = hashlib.sha256(account.encode()).hexdigest()[:32]
        by_address = ClientAddressThrottle("password_reset")
        by_account = KeyedThrottle("password_reset_account", digest)
        # Both are counted on every request, so one cannot be used to dodge the other.
        refused = [t for t in (by_address, by_account) if not t.allow(request)]
        if not refused:
            return None
        wait = max(t.wait() or 0 for t in refused)
        minutes = max(1, int(wait // 60) + (1 if wait % 60 else 0))
        response = TemplateResponse(
            request, "platform/password_reset_throttled.html", {"minutes": minutes}, status=429
        ).render()
        response["Retry-After"] = str(int(wait) or 60)
        return response
