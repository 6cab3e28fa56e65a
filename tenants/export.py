"""Export a council: its schema's data and its files in one archive, in open formats.

The archive is a ZIP file::

    manifest.json                 what is inside (read first by a restore)
    tables/<table>.csv            one CSV file per table of the council's schema (PostgreSQL's
                                  COPY ... CSV HEADER: UTF-8, RFC 4180 quoting, NULL as an
                                  unquoted empty field, JSON as JSON text, binary as \\x hex)
    files/private/<name>          the council's private storage area (record content, documents,
                                  original images), read through the storage API (disk or S3)
    files/public/<name>           its public area (image renditions)

``manifest.json`` names the format (``FORMAT``), the council (slug, name, GSS code, tier, region,
domains, schema), its own feature settings (``features``: ``{key: true|false}``, the features
platform staff switched on or off for it; the rest follow its plan), the schema version (every applied migration and the template fingerprint), and
for every table its file, columns, row count and SHA-256; for every file its area, name, size and
SHA-256. A restore (tenants/restore.py) refuses an archive whose manifest, checksums or version do
not match.

Nothing is held in memory whole: rows stream from PostgreSQL's COPY into the ZIP member, files
from the storage in 1 MiB chunks, and the archive is written to a temporary file on disk, then
handed to the platform's private storage (``exports/<slug>/...`` in the public schema's area).
All tables are read in one REPEATABLE READ transaction, so the export is one consistent moment.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any

import structlog
from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from platform_core import features
from platform_core.db import connection

from .cloning import template_fingerprint
from .models import Council, CouncilEvent, CouncilExport
from .template import template_schema

log = structlog.get_logger(__name__)

FORMAT = "council-platform-export/1"
CHUNK = 1024 * 1024
STORAGE_AREAS = {"private": "default", "public": "public"}
# Tables left out of an export: sign-in sessions are credentials, not the council's data.
EXCLUDED_TABLES = {"django_session": "sign-in sessions are credentials, not council data"}

Progress = Callable[[int, str], None]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def schema_tables(schema: str) -> list[str]:
    """The ordinary tables of a schema, by name."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname""",
            [schema],
        )
        return [row[0] for row in cursor.fetchall()]


def table_columns(schema: str, table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT a.attname FROM pg_attribute a
               JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped
               AND a.attgenerated = '' ORDER BY a.attnum""",
            [schema, table],
        )
        return [row[0] for row in cursor.fetchall()]


def migration_state(schema: str) -> list[str]:
    """Every migration applied in the schema, as ``app.name``, sorted."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT app || '.' || name FROM {_q(schema)}.django_migrations ORDER BY 1"  # noqa: S608
        )
        return [row[0] for row in cursor.fetchall()]


def walk_storage(storage, path: str = "") -> Iterator[str]:
    """Every file name under ``path`` of a storage, through the storage API (disk or S3)."""
    try:
        dirs, files = storage.listdir(path)
    except FileNotFoundError:
        return
    prefix = f"{path}/" if path else ""
    for name in sorted(files):
        yield prefix + name
    for name in sorted(dirs):
        yield from walk_storage(storage, prefix + name)


class _HashingWriter:
    """Wraps a ZIP member: counts and hashes what is written."""

    def __init__(self, target: IO[bytes]):
        self.target = target
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data) -> int:
        self.sha256.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)


def _council_summary(council: Council) -> dict[str, Any]:
    return {
        "slug": council.slug,
        "name": council.name,
        "gss_code": council.gss_code,
        "tier": council.tier,
        "region": council.region,
        "schema": council.schema_name,
        "domains": [d.domain for d in council.domains.all()],
    }


@dataclass
class ExportResult:
    manifest: dict
    size: int
    sha256: str


def write_archive(
    council: Council, target: IO[bytes], progress: Progress | None = None
) -> ExportResult:
    """Write the council's archive to ``target`` (a writable, seekable binary file)."""
    progress = progress or (lambda percent, step: None)
    schema = council.schema_name
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if own_transaction:  # one consistent snapshot of every table (first statement)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        tables = [t for t in schema_tables(schema) if t not in EXCLUDED_TABLES]
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "council": _council_summary(council),
            "schema_version": {
                "migrations": migration_state(schema),
                "template_fingerprint": list(template_fingerprint(template_schema()))[1:],
            },
            "excluded_tables": EXCLUDED_TABLES,
            # The council's own feature settings (public schema; its defaults follow its plan).
            "features": features.export_council(schema),
            "tables": [],
            "files": [],
        }
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            for index, table in enumerate(tables):
                progress(5 + int(60 * index / max(len(tables), 1)), f"Table {table}")
                manifest["tables"].append(_write_table(zf, schema, table))
            progress(65, "Files")
            with schema_context(schema):
                manifest["files"] = list(_write_files(zf, progress))
            progress(95, "Manifest")
            zf.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True).encode())
    target.flush()
    target.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := target.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return ExportResult(manifest=manifest, size=size, sha256=digest.hexdigest())


def _write_table(zf: zipfile.ZipFile, schema: str, table: str) -> dict:
    columns = table_columns(schema, table)
    column_list = ", ".join(_q(c) for c in columns)
    member = f"tables/{table}.csv"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {_q(schema)}.{_q(table)}")  # noqa: S608
        rows = cursor.fetchone()[0]
        with zf.open(member, "w", force_zip64=True) as raw:
            out = _HashingWriter(raw)
            with cursor.cursor.copy(
                f"COPY (SELECT {column_list} FROM {_q(schema)}.{_q(table)}) "  # noqa: S608
                "TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')"
            ) as copy:
                for data in copy:
                    out.write(bytes(data))
    return {
        "name": table,
        "file": member,
        "columns": columns,
        "rows": rows,
        "bytes": out.size,
        "sha256": out.sha256.hexdigest(),
    }


def _write_files(zf: zipfile.ZipFile, progress: Progress) -> Iterator[dict]:
    for area, alias in STORAGE_AREAS.items():
        storage = storages[alias]
        for name in walk_storage(storage):
            member = f"files/{area}/{name}"
            with storage.open(name, "rb") as source, zf.open(member, "w", force_zip64=True) as raw:
                out = _HashingWriter(raw)
                while chunk := source.read(CHUNK):
                    out.write(chunk)
            yield {
                "area": area,
                "name": name,
                "file": member,
                "bytes": out.size,
                "sha256": out.sha256.hexdigest(),
            }


# --- The export as a job: a CouncilExport row, a task, the stored archive ------------------------


def export_retention() -> timedelta:
    return timedelta(days=settings.COUNCIL_EXPORT_RETENTION_DAYS)


def request_export(
    council: Council,
    actor=None,
    *,
    purpose: str = CouncilExport.Purpose.MANUAL,
    enqueue: bool = True,
) -> CouncilExport:
    """Record an export to be built and enqueue the task that builds it (after commit)."""
    from . import tasks
    from .actions import actor_name

    if council.is_public:
        from django.core.exceptions import ValidationError

        raise ValidationError({"council": ["The platform's own tenant cannot be exported."]})
    name, user = actor_name(actor)
    export = CouncilExport.objects.create(
        council=council,
        council_slug=council.slug,
        council_name=council.name,
        requested_by=user,
        requested_by_name=name,
        purpose=purpose,
    )
    log.info("council.export_requested", council=council.slug, export=export.pk)
    if enqueue:
        transaction.on_commit(lambda: tasks.build_council_export.delay(export.pk))
    return export


def _progress_writer(job_id: int, model=CouncilExport) -> Progress:
    """Progress reaches the console while the job's own transaction is still open: inside a
    transaction it is written on a second connection (committed at once). ``model``: the job's
    (an export, or a restore's ``CouncilRestore``)."""

    def write(percent: int, step: str) -> None:
        progress, text = min(percent, 99), step[:200]
        if not connection.in_atomic_block:
            model.objects.filter(pk=job_id).update(progress=progress, step=text)
            return
        try:
            _write_elsewhere(model, job_id, progress=progress, step=text)
        except Exception:  # progress is a courtesy; the job goes on
            log.warning("council.job_progress_failed", job=job_id, exc_info=True)

    return write


def _write_elsewhere(model, pk: int, **values) -> None:
    """UPDATE one row of a public table on a connection of its own (committed at once)."""
    other: Any = connections.create_connection(DEFAULT_DB_ALIAS)  # django-tenants' wrapper
    try:
        other.set_schema_to_public()
        columns = ", ".join(f"{_q(column)} = %s" for column in values)
        with other.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_q(model._meta.db_table)} SET {columns} WHERE id = %s",  # noqa: S608
                [*values.values(), pk],
            )
    finally:
        other.close()


def build_export(export_id: int) -> CouncilExport:
    """Build the archive of a requested export (the task's body; idempotent: an export already
    built is left alone, a failed or interrupted one is built again).

    Two deliveries of one export never build at once: a build longer than the broker's
    visibility timeout is delivered again to another worker while the first still runs. Each
    build holds a session advisory lock on the export for its whole length (released when it
    ends, or when a dead worker's connection closes); a second delivery waits for it, then finds
    the export built and leaves it alone — or builds it, if the first worker died."""
    if CouncilExport.objects.filter(pk=export_id, status=CouncilExport.Status.DONE).exists():
        return CouncilExport.objects.get(pk=export_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtext('tenants.export'), %s)", [export_id])
    try:
        return _build_export(export_id)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext('tenants.export'), %s)", [export_id])


def _build_export(export_id: int) -> CouncilExport:
    from .actions import record_event

    export = CouncilExport.objects.select_related("council").get(pk=export_id)
    if export.status == CouncilExport.Status.DONE:  # built by a delivery this one waited for
        return export
    council = export.council
    if council is None:
        return _fail(export, "The council no longer exists.")
    CouncilExport.objects.filter(pk=export.pk).update(
        status=CouncilExport.Status.RUNNING,
        progress=1,
        step="Starting",
        error="",
        started_at=timezone.now(),
    )
    storage = storages["default"]
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    try:
        with tempfile.TemporaryFile(dir=getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)) as tmp:
            result = write_archive(council, tmp, _progress_writer(export.pk))
            tmp.seek(0)
            with schema_context("public"):
                stored = storage.save(
                    f"exports/{council.slug}/{council.slug}-{stamp}-{export.pk}.zip", File(tmp)
                )
    except Exception as exc:
        log.exception("council.export_failed", council=council.slug, export=export.pk)
        return _fail(export, f"{type(exc).__name__}: {exc}")
    export.refresh_from_db()
    export.status = CouncilExport.Status.DONE
    export.progress = 100
    export.step = "Ready"
    export.file_name = stored
    export.size = result.size
    export.sha256 = result.sha256
    export.tables = len(result.manifest["tables"])
    export.rows = sum(t["rows"] for t in result.manifest["tables"])
    export.files = len(result.manifest["files"])
    export.finished_at = timezone.now()
    export.expires_at = export.finished_at + export_retention()
    export.save()
    record_event(
        council,
        CouncilEvent.Kind.EXPORTED,
        export.requested_by or export.requested_by_name or None,
        "",
        export=export.pk,
        sha256=export.sha256,
        size=export.size,
        purpose=export.purpose,
    )
    log.info("council.exported", council=council.slug, export=export.pk, size=export.size)
    return export


def _fail(export: CouncilExport, error: str) -> CouncilExport:
    CouncilExport.objects.filter(pk=export.pk).update(
        status=CouncilExport.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )
    export.refresh_from_db()
    return export


def record_download(export: CouncilExport, actor) -> None:
    """Every download is in the council's history (also once the council is deleted)."""
    from .actions import actor_name

    name, user = actor_name(actor)
    CouncilEvent.objects.create(
        council=export.council,
        council_slug=export.council_slug,
        council_name=export.council_name,
        kind=CouncilEvent.Kind.EXPORT_DOWNLOADED,
        actor=user,
        actor_name=name,
        detail={"export": export.pk, "sha256": export.sha256},
    )
    log.info("council.export_downloaded", council=export.council_slug, export=export.pk, user=name)


def open_export(export: CouncilExport):
    """The stored archive, opened for reading (from the public schema's private area)."""
    with schema_context("public"):
        return storages["default"].open(export.file_name, "rb")


def delete_expired_exports(now=None) -> int:
    """Delete the stored archives past their retention (the row stays, marked expired)."""
    now = now or timezone.now()
    count = 0
    storage = storages["default"]
    for export in CouncilExport.objects.filter(
        status=CouncilExport.Status.DONE, expires_at__lt=now
    ):
        with schema_context("public"):
            if export.file_name and storage.exists(export.file_name):
                storage.delete(export.file_name)
        CouncilExport.objects.filter(pk=export.pk).update(
            status=CouncilExport.Status.EXPIRED, file_name=""
        )
        count += 1
    return count
