"""Deleting a shared row (a platform user or group) in the public schema.

Django's deletion collector follows every relation to the model, including those from
council-only apps (Wagtail's user profiles, page permissions, the audit log...). Their tables
exist in each council's schema, never in the public one, so the collector's query fails there
("relation does not exist") and the console answered 500 on deleting a platform user or group.
In the public schema, a relation from a model whose app is not migrated there cannot hold a row:
``install()`` makes the collector skip it. In a council's schema nothing changes (its search
path reaches the public tables too).
"""

from django.db import connections, router
from django.db.models import deletion
from django_tenants.utils import get_public_schema_name

_original_related_objects = deletion.Collector.related_objects


def _related_objects(self, related_model, related_fields, objs):
    in_public = getattr(connections[self.using], "schema_name", None) == get_public_schema_name()
    if in_public and not router.allow_migrate_model(self.using, related_model):
        return related_model._base_manager.using(self.using).none()
    return _original_related_objects(self, related_model, related_fields, objs)


def install() -> None:
    """Called once from TenantsConfig.ready (covers the admin's NestedObjects too)."""
    if deletion.Collector.related_objects is not _related_objects:
        deletion.Collector.related_objects = _related_objects  # type: ignore[method-assign]
