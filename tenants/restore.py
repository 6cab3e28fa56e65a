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
    _q,
    migration_state,
    schema_tables,
    table_columns,
    walk_storage,
)
from .models import Council, CouncilEvent, Domain
from .template import build_template, template_schema

log = structlog.get_logger(__name__)


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


def verify_archive(zf: zipfile.ZipFile) -> dict[str, Any]:
    """Check the archive against this release and its own checksums; return its manifest."""
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
    for name, table in sorted(tables.items()):
        if table.get("columns") != table_columns(template, name):
            raise ArchiveError(
                f"The columns of table {name} in the archive differ from this release's."
            )
        _check_member(zf, names, table, f"table {name}")
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
) -> Council:
    """Restore an archive (a path or a binary file) as the council ``slug``. ``name`` and
    ``gss_code`` default to the exported council's (give another GSS code while the original
    council still exists). Raises ``ValidationError`` (``ArchiveError`` for the archive)."""
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"The file is not a ZIP archive ({exc}).") from None
    with zf:
        manifest = verify_archive(zf)
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
                cloning.clone_schema(template_schema(), council.schema_name, rows=False)
                _load_tables(zf, council.schema_name, manifest["tables"])
                with schema_context(council.schema_name):
                    _copy_files(zf, manifest["files"], written)
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


def _load_tables(zf: zipfile.ZipFile, schema: str, tables: list[dict]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
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
