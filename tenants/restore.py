"""Restore a council's export (tenants/export.py) into a fresh schema.

1. The whole archive is checked before anything is written: its format, that it was made by this
   release (its migrations are exactly the template's), that every table of the template is in
   it with the same columns and no other, and the SHA-256 of every table and file. Any mismatch
   is an ``ArchiveError`` naming what is wrong.
2. Then, in one transaction: the council's row and domain (a new slug, or the same one after the
   old council was deleted), its schema copied from the template (its tables, constraints and
   indexes, not its rows), every table loaded from its CSV file (PostgreSQL's COPY, streamed; Django's foreign keys are DEFERRABLE, so the
   load order does not matter and they are checked once, at the end), each table's row count
   checked against the manifest, sequences set past the largest id, the files copied into the
   new council's storage areas through the storage API, the apps' RESTORE steps (the site's
   hostname, the billing subscription), and the council's own feature settings from the
   manifest (``platform_core.features``, public schema).
3. On any failure the transaction rolls back (the new schema and rows vanish with it) and the
   files already copied are deleted: nothing is left half-restored.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from typing import IO, Any

import structlog
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from platform_core import features, provisioning
from platform_core.db import connection

from . import cloning
from .actions import council_domain, record_event, validate_new_council
from .export import (
    CHUNK,
    EXCLUDED_TABLES,
    FORMAT,
    STORAGE_AREAS,
    Progress,
    _q,
    migration_state,
    schema_tables,
    table_columns,
    walk_storage,
)
from .models import Council, CouncilEvent, CouncilExport, CouncilRestore, Domain
from .template import build_template, template_schema

log = structlog.get_logger(__name__)


def _no_progress(percent: int, step: str) -> None:
    pass


class ArchiveError(ValidationError):
    """The archive cannot be restored (named in the message); nothing was written."""

    def __init__(self, message: str):
        super().__init__({"archive": [message]})


def _sha256(zf: zipfile.ZipFile, member: str) -> str:
    digest = hashlib.sha256()
    with zf.open(member) as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(zf: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(zf.read("manifest.json"))
    except KeyError:
        raise ArchiveError(
            "The archive has no manifest.json: it is not a council export."
        ) from None
    except ValueError as exc:
        raise ArchiveError(f"The archive's manifest.json is not valid JSON ({exc}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise ArchiveError(f"The archive's format is {found!r}; this platform restores {FORMAT!r}.")
    for key in ("council", "schema_version", "tables", "files"):
        if key not in manifest:
            raise ArchiveError(f"The archive's manifest has no {key!r}.")
    return manifest


def verify_archive(zf: zipfile.ZipFile, progress: Progress | None = None) -> dict[str, Any]:
    """Check the archive against this release and its own checksums; return its manifest."""
    progress = progress or _no_progress
    manifest = read_manifest(zf)
    template = template_schema()
    if not schema_exists(template):
        build_template()
    ours = migration_state(template)
    theirs = manifest["schema_version"].get("migrations") or []
    if theirs != ours:
        missing = sorted(set(ours) - set(theirs))
        extra = sorted(set(theirs) - set(ours))
        detail = []
        if missing:
            detail.append(
                f"{len(missing)} migrations of this release are not in it ({missing[0]}…)"
            )
        if extra:
            detail.append(f"it has {len(extra)} migrations this release lacks ({extra[0]}…)")
        raise ArchiveError(
            "The archive was made by a different release of the platform: "
            + "; ".join(detail or ["its migrations differ"])
            + ". Restore it with the release that made it."
        )
    expected = {t for t in schema_tables(template) if t not in EXCLUDED_TABLES}
    tables = {t.get("name"): t for t in manifest["tables"]}
    if missing_tables := sorted(expected - set(tables)):
        raise ArchiveError(f"The archive lacks the table(s) {', '.join(missing_tables)}.")
    if unknown := sorted(set(tables) - expected):
        raise ArchiveError(f"The archive has table(s) this release does not: {', '.join(unknown)}.")
    names = set(zf.namelist())
    for index, (name, table) in enumerate(sorted(tables.items())):
        if table.get("columns") != table_columns(template, name):
            raise ArchiveError(
                f"The columns of table {name} in the archive differ from this release's."
            )
        progress(2 + 28 * index // max(len(tables), 1), f"Checking table {name}")
        _check_member(zf, names, table, f"table {name}")
    progress(30, "Checking files")
    for item in manifest["files"]:
        if item.get("area") not in STORAGE_AREAS:
            raise ArchiveError(
                f"The file {item.get('name')!r} is in an unknown area {item.get('area')!r}."
            )
        _check_member(zf, names, item, f"file {item.get('name')!r}")
    try:  # an archive without the key (made before it existed) has no settings of its own
        features.check_settings(manifest.get("features", {}))
    except ValidationError as exc:
        raise ArchiveError(f"The archive's feature settings: {' '.join(exc.messages)}") from None
    return manifest


def _check_member(zf: zipfile.ZipFile, names: set[str], item: dict, what: str) -> None:
    member = item.get("file")
    if member not in names:
        raise ArchiveError(f"The archive lacks {member!r} ({what}).")
    try:
        digest = _sha256(zf, member)
    except (zipfile.BadZipFile, OSError) as exc:  # a CRC error, a truncated member
        raise ArchiveError(f"{member} cannot be read: {exc}.") from None
    if digest != item.get("sha256"):
        raise ArchiveError(
            f"The checksum of {member} ({what}) does not match the manifest: the archive was "
            "changed or damaged."
        )


def restore_council(
    source: str | IO[bytes],
    *,
    slug: str,
    name: str = "",
    gss_code: str | None = None,
    actor=None,
    reason: str = "",
    progress: Progress | None = None,
) -> Council:
    """Restore an archive (a path or a binary file) as the council ``slug``. ``name`` and
    ``gss_code`` default to the exported council's (give another GSS code while the original
    council still exists). Raises ``ValidationError`` (``ArchiveError`` for the archive).
    ``progress(percent, step)`` is told how far it got."""
    progress = progress or _no_progress
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"The file is not a ZIP archive ({exc}).") from None
    with zf:
        manifest = verify_archive(zf, progress)
        exported = manifest["council"]
        council = validate_new_council(
            name=name or exported.get("name", ""),
            slug=slug,
            gss_code=gss_code or exported.get("gss_code"),
            tier=exported.get("tier", ""),
            region=exported.get("region", ""),
            admin_email=None,
        )["council"]
        with schema_context(council.schema_name):
            if any(next(walk_storage(storages[alias]), None) for alias in STORAGE_AREAS.values()):
                raise ValidationError(
                    {
                        "slug": [
                            f"The storage area of {slug!r} still holds files (left by an earlier "
                            "council with this address); remove them or choose another address."
                        ]
                    }
                )
        written: list[tuple[str, str]] = []
        try:
            with transaction.atomic():
                council.save()
                Domain.objects.create(domain=council_domain(slug), tenant=council, is_primary=True)
                # The structure only: every table is loaded from the archive. (Copying the
                # template's rows and then emptying some 170 tables with TRUNCATE took most of a
                # restore's time on a busy machine: a new file for every table and index.)
                progress(35, "Creating the schema")
                cloning.clone_schema(template_schema(), council.schema_name, rows=False)
                _load_tables(zf, council.schema_name, manifest["tables"], progress)
                with schema_context(council.schema_name):
                    progress(80, "Copying files")
                    _copy_files(zf, manifest["files"], written)
                    progress(95, "Finishing")
                    provisioning.run(provisioning.RESTORE, council)
                    features.restore_council(council.schema_name, manifest.get("features", {}))
                    with connection.cursor() as cursor:  # foreign keys checked now, not at commit
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                record_event(
                    council,
                    CouncilEvent.Kind.RESTORED,
                    actor,
                    reason,
                    source=exported.get("slug"),
                    exported_at=manifest.get("created_at"),
                    features=manifest.get("features", {}),
                )
        except Exception:
            _remove_files(council.schema_name, written)
            raise
    log.info("council.restored", council=slug, source=exported.get("slug"))
    return council


def _load_tables(
    zf: zipfile.ZipFile, schema: str, tables: list[dict], progress: Progress = _no_progress
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for index, table in enumerate(tables):
            progress(40 + 40 * index // max(len(tables), 1), f"Loading table {table['name']}")
            columns = ", ".join(_q(c) for c in table["columns"])
            with zf.open(table["file"]) as source:
                with cursor.cursor.copy(
                    f"COPY {_q(schema)}.{_q(table['name'])} ({columns}) "
                    "FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')"
                ) as copy:
                    while chunk := source.read(CHUNK):
                        copy.write(chunk)
            loaded = cursor.cursor.rowcount
            if loaded != table["rows"]:
                raise ArchiveError(
                    f"Table {table['name']}: {loaded} rows loaded, the manifest says {table['rows']}."
                )
        _restart_sequences(cursor, schema)


def _restart_sequences(cursor, schema: str) -> None:
    """Every sequence owned by a column (serial and identity ids) continues after the largest
    value loaded."""
    cursor.execute(
        """SELECT s.relname, t.relname, a.attname FROM pg_class s
           JOIN pg_namespace n ON n.oid = s.relnamespace
           JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
                AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
           JOIN pg_class t ON t.oid = d.refobjid
           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
           WHERE s.relkind = 'S' AND n.nspname = %s""",
        [schema],
    )
    for sequence, table, column in cursor.fetchall():
        qualified = f"{_q(schema)}.{_q(sequence)}"
        cursor.execute(
            f"SELECT setval(%s, coalesce(max({_q(column)}), 0) + 1, false) "  # noqa: S608
            f"FROM {_q(schema)}.{_q(table)}",
            [qualified],
        )


def _copy_files(zf: zipfile.ZipFile, files: list[dict], written: list[tuple[str, str]]) -> None:
    for item in files:
        storage = storages[STORAGE_AREAS[item["area"]]]
        with zf.open(item["file"]) as source:
            stored = storage.save(item["name"], File(source, name=item["name"]))
        written.append((item["area"], stored))
        if stored != item["name"]:
            raise ArchiveError(
                f"The file {item['name']!r} could not be stored under its own name "
                f"(stored as {stored!r}): the council's storage area is not empty."
            )


def _remove_files(schema: str, written: list[tuple[str, str]]) -> None:
    with schema_context(schema):
        for area, name in written:
            try:
                storages[STORAGE_AREAS[area]].delete(name)
            except Exception:  # best effort; reported, and the area holds no council's rows
                log.warning(
                    "council.restore_cleanup_failed", schema=schema, file=name, exc_info=True
                )


# --- The console's restores: a job row (CouncilRestore) run by a task -------------------------


def request_restore(
    export: CouncilExport,
    actor=None,
    *,
    slug: str,
    name: str = "",
    gss_code: str = "",
    reason: str = "",
    enqueue: bool = True,
) -> CouncilRestore:
    """Record a restore of ``export``'s archive and enqueue the task that runs it (after
    commit). What can be told without the archive is checked now (an archive to restore, a free
    address); the archive itself is checked by the task, before it writes anything."""
    from . import tasks
    from .actions import actor_name

    if export.status != CouncilExport.Status.DONE or not export.file_name:
        raise ValidationError({"export": ["This export has no archive to restore."]})
    taken = (
        Council.objects.filter(slug=slug).exists()
        or Domain.objects.filter(domain=council_domain(slug)).exists()
    )
    if taken:
        raise ValidationError(
            {"slug": [f"The web address {council_domain(slug)} is already taken; choose another."]}
        )
    busy = CouncilRestore.objects.filter(
        slug=slug, status__in=[CouncilRestore.Status.PENDING, CouncilRestore.Status.RUNNING]
    ).first()
    if busy is not None:
        raise ValidationError(
            {"slug": [f"Restore #{busy.pk} is already restoring a council as {slug!r}."]}
        )
    who, user = actor_name(actor)
    job = CouncilRestore.objects.create(
        export=export,
        slug=slug,
        name=name,
        gss_code=gss_code,
        reason=reason,
        requested_by=user,
        requested_by_name=who,
    )
    log.info("council.restore_requested", export=export.pk, slug=slug, restore=job.pk)
    if enqueue:
        transaction.on_commit(lambda: tasks.restore_council_export.delay(job.pk))
    return job


def run_restore(restore_id: int) -> CouncilRestore:
    """The task's body. Idempotent: a job that is done or failed is left alone, and two
    deliveries of one job never run at once (an advisory lock held for the restore's
    transaction; the second waits, then finds the job done). A job left "running" by a worker
    that died is run again: its transaction was rolled back, so nothing of it was kept."""
    from .export import _progress_writer, open_export

    job = CouncilRestore.objects.get(pk=restore_id)
    if job.finished:
        return job
    progress = _progress_writer(restore_id, CouncilRestore)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtext('tenants.restore'), %s)", [restore_id]
                )
            job = CouncilRestore.objects.select_related("export").get(pk=restore_id)
            if job.finished:  # another delivery finished it while this one waited
                return job
            started = timezone.now()
            _set_running(restore_id, started)
            export = job.export
            if export.status != CouncilExport.Status.DONE or not export.file_name:
                raise ValidationError({"export": ["This export has no archive to restore."]})
            with open_export(export) as archive:
                council = restore_council(
                    archive,
                    slug=job.slug,
                    name=job.name,
                    gss_code=job.gss_code or None,
                    actor=job.requested_by or job.requested_by_name or None,
                    reason=job.reason or f"Restored from export #{export.pk}",
                    progress=progress,
                )
            CouncilRestore.objects.filter(pk=restore_id).update(
                status=CouncilRestore.Status.DONE,
                progress=100,
                step="Restored",
                errors=[],
                council=council,
                started_at=started,
                finished_at=timezone.now(),
            )
    except ValidationError as exc:
        labels = {"name": "Name", "gss_code": "GSS code", "tier": "Tier", "region": "Region"}
        messages = [
            f"{labels[field]}: {message}" if field in labels else message
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
        return _fail_restore(restore_id, messages)
    except Exception as exc:
        log.exception("council.restore_failed", restore=restore_id)
        return _fail_restore(restore_id, [f"{type(exc).__name__}: {exc}"])
    job.refresh_from_db()
    return job


def _set_running(restore_id: int, started) -> None:
    """Written on a connection of its own, so the console sees it while the restore's
    transaction is open."""
    from .export import _write_elsewhere

    try:
        _write_elsewhere(
            CouncilRestore,
            restore_id,
            status=CouncilRestore.Status.RUNNING,
            progress=1,
            step="Checking the archive",
            started_at=started,
        )
    except Exception:  # a courtesy for the console, like the progress; the restore goes on
        log.warning("council.restore_progress_failed", restore=restore_id, exc_info=True)


def _fail_restore(restore_id: int, messages: list[str]) -> CouncilRestore:
    now = timezone.now()
    CouncilRestore.objects.filter(pk=restore_id).update(
        status=CouncilRestore.Status.FAILED, errors=messages, finished_at=now
    )
    CouncilRestore.objects.filter(pk=restore_id, started_at=None).update(started_at=now)
    log.info("council.restore_refused", restore=restore_id, errors=messages)
    return CouncilRestore.objects.get(pk=restore_id)
