"""One JSON error shape for every API: {"error": {"code", "message", "fields"}}.

DRF views get it from ``exception_handler``; everything else under an API path (Django's 404
for an unknown URL, a 500, a CSRF failure, a refusal by a middleware, a 405 from a plain view)
gets it from ``ApiErrorEnvelopeMiddleware`` and the error views, which branch on ``is_api_path``.
"""

import re

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from platform_core.errors import DomainError
from platform_core.inputcheck import BadInput

API_PATH_RE = re.compile(r"^/(api|openreferral|platform/api)(/|$)")

# What a bare status means, for responses that arrive without a message of their own.
DEFAULT_ERRORS = {
    400: ("invalid", "Invalid input."),
    401: ("not_authenticated", "Authentication credentials were not provided."),
    403: ("permission_denied", "You do not have permission to perform this action."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "Method not allowed."),
    406: ("not_acceptable", "Could not satisfy the request Accept header."),
    409: ("refused", "The request conflicts with the current state."),
    413: ("too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Unsupported media type in the request."),
    429: ("throttled", "Request was throttled."),
    500: ("server_error", "A server error occurred."),
    503: ("unavailable", "The service is unavailable."),
}


def is_api_path(path: str) -> bool:
    return bool(API_PATH_RE.match(path or ""))


def envelope(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def error_response(
    code: str, message: str, http_status: int, fields: dict | None = None
) -> Response:
    response = Response(envelope(code, message, fields), status=http_status)
    response.error_envelope = response.data  # type: ignore[attr-defined]
    return response


def json_error(
    http_status: int, message: str | None = None, code: str | None = None, fields=None
) -> JsonResponse:
    """The envelope outside DRF (middleware, Django's error handlers)."""
    default_code, default_message = DEFAULT_ERRORS.get(
        http_status, ("error", "The request failed.")
    )
    data = envelope(code or default_code, message or default_message, fields)
    response = JsonResponse(data, status=http_status)
    response.error_envelope = data  # type: ignore[attr-defined]
    return response


def bad_input_response(exc: BadInput) -> JsonResponse:
    return json_error(
        400, f"Invalid input. {exc.where}: {exc.message}", "invalid", {exc.where: [exc.message]}
    )


def _flatten(detail, prefix: str = "") -> dict:
    """Field errors as {"field": ["message", ...]}; nested serializer and list errors get
    dotted names ("members.3"), never a Python repr of DRF's ErrorDetail."""
    fields: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in _flatten(value, name).items():
                fields.setdefault(field, []).extend(messages)
    elif isinstance(detail, list | tuple):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list | tuple):
                name = f"{prefix}.{index}" if prefix else str(index)
                for field, messages in _flatten(value, name).items():
                    fields.setdefault(field, []).extend(messages)
            else:
                fields.setdefault(prefix or "non_field_errors", []).append(str(value))
    else:
        fields.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return fields


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        # A refusal may name fields (e.g. an over-budget commitment: the amount available).
        return error_response(exc.code, exc.message, exc.http_status, getattr(exc, "fields", None))
    if isinstance(exc, BadInput):
        return error_response(
            "invalid",
            f"Invalid input. {exc.where}: {exc.message}",
            status.HTTP_400_BAD_REQUEST,
            {exc.where: [exc.message]},
        )
    if isinstance(exc, RequestDataTooBig):
        return error_response(
            "too_large", DEFAULT_ERRORS[413][1], status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        return error_response("not_found", "Not found.", status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        summary = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in fields.items())
        response.data = envelope("invalid", f"Invalid input. {summary}", fields)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        if isinstance(detail, dict | list):
            fields = _flatten(detail)
            message = "; ".join(" ".join(m) for m in fields.values())
        else:
            fields, message = {}, str(detail)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = envelope(str(code), message, fields)
    response.error_envelope = response.data  # type: ignore[attr-defined]
    return response
