"""Platform-wide views: media served per council, branded error pages."""

import mimetypes
import sys

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import storages
from django.http import FileResponse, HttpResponse, HttpResponseNotFound, JsonResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from platform_core.api.errors import is_api_path, json_error
from platform_core.storage import check_name

PUBLIC_MEDIA_FOLDERS = ("images/",)


@require_safe
def serve_media(request, name: str):
    """A public file of the *current council* (an image rendition), or a plain 404.

    Reads only the council's ``public`` storage (``<schema>/public/``), only its ``images/``
    folder, and only names that pass ``check_name`` (no traversal, backslash, percent sign,
    control character, or change under normalisation). Private files (record content, transfer
    packages, documents, original images) live in another area that this view cannot address.
    """
    try:
        check_name(name)
    except SuspiciousFileOperation:
        return _media_not_found()
    if not name.startswith(PUBLIC_MEDIA_FOLDERS) or name.endswith("/"):
        return _media_not_found()
    storage = storages["public"]
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return _media_not_found()
    content_type, _ = mimetypes.guess_type(name)
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    return response


def signin_locked_out(request, original_response=None, credentials=None):
    """django-axes refused a sign-in: 429 with the platform's page (or the API's JSON error)."""
    from django.conf import settings

    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    message = f"Too many failed sign-in attempts. Try again in {minutes} minutes."
    response: HttpResponseBase
    if request.path.startswith(("/api/", "/platform/api/")):
        body = {"error": {"code": "locked_out", "message": message, "fields": {}}}
        response = JsonResponse(body, status=429)
    else:
        response = TemplateResponse(
            request, "platform/locked_out.html", {"minutes": minutes}, status=429
        ).render()
    response["Retry-After"] = str(minutes * 60)
    return response


def _media_not_found():
    """The same small answer for a missing, refused or other council's file (no page chrome,
    so a flood of probes costs no template rendering)."""
    return HttpResponseNotFound(b"Not found", content_type="text/plain; charset=utf-8")


def unknown_host(request):
    """No council has this host: the platform's own 404, never another council's site.
    (Health checks by IP address are answered before this: platform_core.health.)"""
    if is_api_path(request.path_info):
        return json_error(404)
    response = TemplateResponse(
        request, "platform/unknown_host.html", {"host": request.get_host()}, status=404
    )
    return response.render()


def page_not_found(request, exception=None):
    if is_api_path(request.path_info):
        return json_error(404)
    return TemplateResponse(
        request, "404.html", {"request_path": request.path}, status=404
    ).render()


def server_error(request):
    """handler500. Django calls it inside its ``except`` block, so the exception is at hand: a
    database that cannot be reached is a 503 with Retry-After (the platform's envelope on API
    paths, the branded page elsewhere), rendered without touching the database."""
    from platform_core.db import database_unavailable

    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable(
            request,
            "The service is temporarily unavailable (its database cannot be reached). "
            "Nothing you sent was saved; try again in a minute.",
        )
    if is_api_path(request.path_info):
        return json_error(500)
    return TemplateResponse(request, "500.html", {}, status=500).render()


def service_unavailable(request, message: str, retry_after: int = 30) -> HttpResponseBase:
    """503 for a dependency that is down: the envelope on API paths, the branded page
    elsewhere. Rendered without a request context (context processors may need the database)."""
    response: HttpResponseBase
    if is_api_path(request.path_info):
        response = json_error(503, message, "service_unavailable")
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception=None, message: str | None = None):
    """400 for a request no view should see (a control character in the address, a malformed
    host or body): the envelope on API paths, the branded page elsewhere."""
    if is_api_path(request.path_info):
        return json_error(400, f"Invalid input. {message}" if message else None)
    return TemplateResponse(request, "400.html", {"message": message}, status=400).render()


def permission_denied(request, exception=None):
    if is_api_path(request.path_info):
        return json_error(403)
    return TemplateResponse(request, "403.html", {}, status=403).render()


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a session-authenticated API call without the CSRF token gets the
    envelope; a form post gets the branded page."""
    if is_api_path(request.path_info):
        return json_error(403, f"CSRF Failed: {reason}", "permission_denied")
    return TemplateResponse(request, "403.html", {"csrf": True}, status=403).render()
