"""Who may use the console, and the reads of what a console request names."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django_tenants.utils import get_public_schema_name

from ..models import Council, CouncilRequest
from .otp import is_verified, second_step


def console_view(*perms: str) -> Callable:
    """Platform staff only (active, ``is_staff``), signed in with their second factor, holding
    every model permission in ``perms``. Anyone else goes to the console's sign-in; staff who
    gave only their password, to the code step; signed in without the permissions: 403."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not (user.is_authenticated and user.is_active and user.is_staff):
                return redirect_to_login(request.get_full_path(), reverse("console-login"))
            if not is_verified(request):  # signed in with the password only
                return second_step(request, request.get_full_path())
            if not user.has_perms(perms):
                raise PermissionDenied(
                    "You do not have permission to use this part of the console."
                )
            return view(request, *args, **kwargs)

        wrapper.console_perms = perms  # type: ignore[attr-defined]
        return wrapper

    return decorate


def councils():
    """Every council, never the platform's own public tenant."""
    return Council.objects.exclude(schema_name=get_public_schema_name())


def access_council(slug: str) -> Council:
    council = councils().filter(slug=slug).prefetch_related("domains").first()
    if council is None:
        raise Http404("No council with that address.")
    return council


def access_council_request(pk: int) -> CouncilRequest:
    found = CouncilRequest.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("No such request.")
    return found
