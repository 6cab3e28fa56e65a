"""Request routing by host: the council's schema, or the platform's public schema."""

import uuid

import structlog
from django.db import connection
from django.template.response import TemplateResponse
from django_tenants.middleware.main import TenantMainMiddleware
from wagtail.contrib.redirects.middleware import RedirectMiddleware


class CouncilTenantMiddleware(TenantMainMiddleware):
    """django-tenants' host routing, plus the council lifecycle.

    Unknown hosts get the platform's branded 404 (``DEFAULT_NOT_FOUND_TENANT_VIEW``); a suspended
    council answers 503 on every path (site, admin, API) so its staff cannot sign in; an archived
    council answers 404 like an unknown host. Nothing is deleted by either state.
    """

    def get_tenant(self, domain_model, hostname):
        domain = domain_model.objects.select_related("tenant").get(domain=hostname)
        return domain.tenant

    def process_request(self, request):
        response = super().process_request(request)
        if response is not None:
            return response
        council = request.tenant
        if council.schema_name == connection.schema_name and not council.is_public:
            if council.status == council.Status.SUSPENDED:
                connection.set_schema_to_public()
                return TemplateResponse(
                    request, "platform/suspended.html", {"council": council}, status=503
                ).render()
            if council.status == council.Status.ARCHIVED:
                connection.set_schema_to_public()
                from platform_core.views import unknown_host

                return unknown_host(request)
        return None


class RequestContextMiddleware:
    """Binds the request id and council to every log line of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            request_id=request_id, schema=getattr(connection, "schema_name", "public")
        )
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class CouncilRedirectMiddleware(RedirectMiddleware):
    """Wagtail's redirects, for council sites only: the public schema has no Wagtail tables."""

    def process_response(self, request, response):
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.is_public:
            return response
        return super().process_response(request, response)
