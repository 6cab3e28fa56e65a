"""Deleting a council after a grace period (the console's "Delete council").

``schedule_deletion`` suspends the council at once (its site, admin and API answer 503), asks
for an export (purpose "before deletion"), and sets ``deletion_due_at`` to now plus
``COUNCIL_DELETION_GRACE_DAYS``. Until then ``cancel_deletion`` undoes the schedule (the council
stays suspended until someone reactivates it). The hourly beat task ``tenants.delete_due_councils``
deletes each council whose time has come, once its export is built: its schema, its domains, its
files (both storage areas, through the storage API) and its cache entries; its public rows that
hang on the council go with it (billing usage), its history and exports stay (slug and name
copied), and the export archive is kept for ``COUNCIL_EXPORT_RETENTION_DAYS``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from platform_core import councilfigures, features

from . import export as council_export
from .actions import _clean_reason, record_event
from .models import Council, CouncilEvent, CouncilExport

log = structlog.get_logger(__name__)


def grace_period() -> timedelta:
    return timedelta(days=settings.COUNCIL_DELETION_GRACE_DAYS)


def schedule_deletion(council: Council, actor=None, reason: str = "") -> CouncilExport:
    """Suspend now, export, delete after the grace period. Returns the export."""
    if council.is_public:
        raise ValidationError({"council": ["The platform's own tenant cannot be deleted."]})
    if council.deletion_due_at is not None:
        raise ValidationError({"council": [f"{council.name} is already scheduled for deletion."]})
    reason = _clean_reason(reason)
    with transaction.atomic():
        council.deletion_due_at = timezone.now() + grace_period()
        council.status = Council.Status.SUSPENDED
        council.status_reason = (
            f"Scheduled for deletion: {reason}" if reason else ("Scheduled for deletion")
        )
        council.save(update_fields=["deletion_due_at", "status", "status_reason"])
        export = council_export.request_export(
            council, actor, purpose=CouncilExport.Purpose.DELETION
        )
        record_event(
            council,
            CouncilEvent.Kind.DELETION_SCHEDULED,
            actor,
            reason,
            due=council.deletion_due_at.isoformat(),
            export=export.pk,
        )
    log.info("council.deletion_scheduled", council=council.slug, due=council.deletion_due_at)
    return export


def cancel_deletion(council: Council, actor=None, reason: str = "") -> Council:
    if council.deletion_due_at is None:
        raise ValidationError({"council": [f"{council.name} is not scheduled for deletion."]})
    reason = _clean_reason(reason)
    with transaction.atomic():
        council.deletion_due_at = None
        council.status_reason = "Deletion cancelled; still suspended until reactivated"
        council.save(update_fields=["deletion_due_at", "status_reason"])
        record_event(council, CouncilEvent.Kind.DELETION_CANCELLED, actor, reason)
    log.info("council.deletion_cancelled", council=council.slug)
    return council


def deletion_export(council: Council) -> CouncilExport | None:
    return (
        CouncilExport.objects.filter(council=council, purpose=CouncilExport.Purpose.DELETION)
        .order_by("-created_at")
        .first()
    )


def delete_council(council: Council, actor=None) -> bool:
    """Delete a council whose deletion is due. Returns False (and deletes nothing) while its
    export before deletion is not built; a failed export is asked for again."""
    if council.deletion_due_at is None or council.deletion_due_at > timezone.now():
        raise ValidationError({"council": [f"{council.name} is not due for deletion."]})
    export = deletion_export(council)
    if export is None or export.status == CouncilExport.Status.FAILED:
        council_export.request_export(council, actor, purpose=CouncilExport.Purpose.DELETION)
        return False
    if export.status != CouncilExport.Status.DONE:
        return False
    schema = council.schema_name
    with transaction.atomic():
        record_event(council, CouncilEvent.Kind.DELETED, actor, "", export=export.pk)
        council.domains.all().delete()
        with connection.cursor() as cursor:
            # Deferred foreign-key checks of rows written earlier in this transaction fire now:
            # PostgreSQL refuses to drop a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        council.delete()
    delete_files(schema)
    features.delete_council(schema)
    clear_cache(schema)
    log.info("council.deleted", council=council.slug, schema=schema, export=export.pk)
    return True


def delete_files(schema: str) -> int:
    """Every file of the schema's private and public areas (disk or S3)."""
    count = 0
    with schema_context(schema):
        for alias in council_export.STORAGE_AREAS.values():
            storage = storages[alias]
            for name in list(council_export.walk_storage(storage)):
                storage.delete(name)
                count += 1
    return count


def clear_cache(schema: str) -> int:
    """Drop the schema's cache entries (every key carries the schema: django_tenants' make_key
    puts it first) and the console's figures of it."""
    removed = 0
    for cache in caches.all():
        backend: Any = cache
        client = getattr(getattr(cache, "_cache", None), "get_client", None)
        if callable(client):  # Redis
            try:
                redis = client(None, write=True)
                keys = list(redis.scan_iter(match=f"{schema}:*", count=1000))
                if keys:
                    removed += redis.delete(*keys)
            except Exception:  # the cache is an optimisation; entries expire anyway
                log.warning("council.cache_clear_failed", schema=schema, exc_info=True)
        elif isinstance(getattr(cache, "_cache", None), dict):  # local memory
            for key in [k for k in backend._cache if k.startswith(f"{schema}:")]:
                backend._cache.pop(key, None)
                backend._expire_info.pop(key, None)
                removed += 1
        cache.delete(councilfigures.cache_key(schema))
    return removed


def delete_due_councils() -> dict:
    """The beat task's body: delete every council whose grace period is over."""
    deleted: list[str] = []
    waiting: list[str] = []
    due = Council.objects.filter(deletion_due_at__lte=timezone.now()).exclude(schema_name="public")
    for council in due:
        try:
            done = delete_council(council, actor="tenants.delete_due_councils")
        except Exception:
            log.exception("council.deletion_failed", council=council.slug)
            done = False
        (deleted if done else waiting).append(council.slug)
    return {"deleted": deleted, "waiting": waiting}
