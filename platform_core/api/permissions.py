from django.db import connection
from rest_framework.permissions import BasePermission, DjangoModelPermissions


class IsCouncilStaff(BasePermission):
    """Signed in as staff of the council whose domain this is. Users live in the council's own
    schema, so a user of another council cannot even authenticate here; this also refuses the
    platform's public schema."""

    def has_permission(self, request, view):
        tenant = getattr(connection, "tenant", None)
        return bool(
            request.user
            and request.user.is_authenticated
            and request.user.is_active
            and tenant is not None
            and not getattr(tenant, "is_public", True)
        )


class IsPlatformStaff(BasePermission):
    """Platform operators: staff users of the public schema, on the platform domain."""

    def has_permission(self, request, view):
        tenant = getattr(connection, "tenant", None)
        return bool(
            request.user
            and request.user.is_authenticated
            and request.user.is_staff
            and tenant is not None
            and getattr(tenant, "is_public", False)
        )


class PlatformModelPermissions(DjangoModelPermissions):
    """Platform staff with the model permission for what they ask: ``view_`` to read, ``add_`` to
    create, ``change_``/``delete_`` to alter. Being ``is_staff`` alone grants nothing (an operator
    who may read the list of councils may not provision one)."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        return IsPlatformStaff().has_permission(request, view) and super().has_permission(
            request, view
        )


class HasGroup(IsCouncilStaff):
    """Council staff with the role the view asks for.

    ``view.required_permissions`` (preferred): Django model permissions ("app_label.codename"),
    granted to groups at provisioning; the user needs all of them (superusers have every one).
    ``view.required_groups`` (older views): membership of one of the named groups (council
    administrators always pass). A view that names neither is open to any active user of the
    council: name one."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        permissions = tuple(getattr(view, "required_permissions", None) or ())
        if permissions:
            return request.user.has_perms(permissions)
        required = set(getattr(view, "required_groups", ()))
        if not required or request.user.is_superuser:
            return True
        names = set(request.user.groups.values_list("name", flat=True))
        return bool(names & (required | {"Council administrators"}))
