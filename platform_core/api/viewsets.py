"""The base every council API viewset inherits: it owns scoping and permissions.

A subclass supplies ``scoped_queryset()``; ``get_queryset`` is not overridden. Objects named in a
request that are not in the scoped queryset (another council's, or missing) give the same 404.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rest_framework import viewsets

from .permissions import HasGroup

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

if TYPE_CHECKING:
    from rest_framework.permissions import _PermissionClass


class TenantViewSetMixin:
    """Permissions: set ``permission_model = "app_label.model"`` and the view asks for Django's
    model permission that fits the request — ``view_`` for safe methods, ``add_`` to create,
    ``delete_`` to destroy, ``change_`` for every other write (updates and custom actions).
    ``action_permissions = {"action name": ("app.codename", ...)}`` overrides it per action."""

    permission_classes: Sequence["_PermissionClass"] = [HasGroup]
    request: Any  # set by DRF's APIView, which every subclass also inherits
    required_groups: tuple[str, ...] = ()
    permission_model: str | None = None
    action_permissions: dict[str, tuple[str, ...]] = {}

    @property
    def required_permissions(self) -> tuple[str, ...]:
        action = getattr(self, "action", None)
        if action in self.action_permissions:
            return tuple(self.action_permissions[action])
        if not self.permission_model:
            return ()
        app_label, model = self.permission_model.split(".")
        if self.request.method in SAFE_METHODS:
            verb = "view"
        elif action == "create":
            verb = "add"
        elif action == "destroy":
            verb = "delete"
        else:
            verb = "change"
        return (f"{app_label}.{verb}_{model}",)

    def scoped_queryset(self):
        raise NotImplementedError(f"{type(self).__name__} must define scoped_queryset()")

    def get_queryset(self):
        return self.scoped_queryset()


class TenantViewSet(TenantViewSetMixin, viewsets.ModelViewSet):
    pass


class TenantReadOnlyViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class TenantGenericViewSet(TenantViewSetMixin, viewsets.GenericViewSet):
    pass
