"""The base every council API viewset inherits: it owns scoping and permissions.

A subclass supplies ``scoped_queryset()``; ``get_queryset`` is not overridden. Objects named in a
request that are not in the scoped queryset (another council's, or missing) give the same 404.
"""

from rest_framework import viewsets

from .permissions import HasGroup


class TenantViewSetMixin:
    permission_classes = [HasGroup]
    required_groups: tuple[str, ...] = ()

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
