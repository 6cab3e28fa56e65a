"""Checks on uploaded content before anything is stored.

The file is read in chunks (never whole into memory): the SHA-256 and size come from one pass,
the type from its first bytes (magic numbers, the ``filetype`` package). Then the formats that
can hide trouble are opened: PDFs with pypdf, ZIP-based office files are checked for
decompression bombs and DOCX is opened with python-docx.
"""

import hashlib
import mimetypes
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

from platform_core.errors import DomainError

CHUNK = 1024 * 1024
HEAD = 8192

# extension -> the content type its bytes must show
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "txt": "text/plain",
    "csv": "text/csv",
    "md": "text/markdown",
    "json": "application/json",
    "xml": "application/xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "tif": "image/tiff",
    "tiff": "image/tiff",
}
TEXT_TYPES = {"text/plain", "text/csv", "text/markdown", "application/json", "application/xml"}
ZIP_TYPES = {t for e, t in ALLOWED_TYPES.items() if e in {"docx", "xlsx", "pptx", "odt", "ods"}}
EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xcf\xfa\xed\xfe",
    b"\xce\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
EXECUTABLE_EXTENSIONS = {
    "exe",
    "dll",
    "com",
    "bat",
    "cmd",
    "msi",
    "scr",
    "sh",
    "ps1",
    "vbs",
    "js",
    "jar",
    "elf",
    "so",
    "bin",
    "app",
}


class FileTooLarge(DomainError):
    code = "file_too_large"
    http_status = 413


def _reject(message: str):
    raise ValidationError({"file": [message]})


def max_upload_bytes() -> int:
    return int(getattr(settings, "RECORDS_MAX_UPLOAD_BYTES", 2 * 1024**3))


@dataclass
class Inspected:
    sha256: str
    size: int
    content_type: str
    extension: str


def claimed_type(name: str) -> tuple[str, str]:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in EXECUTABLE_EXTENSIONS:
        _reject(
            f"'{name}' is an executable file type (.{extension}); executables are not accepted."
        )
    if extension not in ALLOWED_TYPES:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        _reject(f"'{name}' has an unsupported type (.{extension or 'none'}); accepted: {allowed}.")
    return extension, ALLOWED_TYPES[extension]


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a multi-byte character cut at the end of the head
    return True


def inspect_upload(fileobj, name: str) -> Inspected:
    """Validate the upload and return its checksum, size and detected type; 4xx on bad input."""
    extension, claimed = claimed_type(name)
    limit = max_upload_bytes()
    declared_size = getattr(fileobj, "size", None)
    if declared_size is not None and declared_size > limit:
        raise FileTooLarge(f"'{name}' is {declared_size} bytes; the maximum is {limit} bytes.")
    fileobj.seek(0)
    digest, size, head = hashlib.sha256(), 0, b""
    while chunk := fileobj.read(CHUNK):
        if not head:
            head = chunk[:HEAD]
        digest.update(chunk)
        size += len(chunk)
        if size > limit:
            raise FileTooLarge(f"'{name}' is larger than the maximum of {limit} bytes.")
    if size == 0:
        _reject(f"'{name}' is empty (0 bytes).")
    if head.startswith(EXECUTABLE_MAGIC):
        _reject(f"'{name}' contains executable content; executables are not accepted.")
    kind = filetype.guess(head)
    if kind is not None and kind.mime in {
        "application/x-msdownload",
        "application/x-executable",
        "application/wasm",
    }:
        _reject(f"'{name}' contains executable content; executables are not accepted.")
    if claimed in TEXT_TYPES:
        if kind is not None or not _looks_like_text(head):
            found = kind.mime if kind else "binary data"
            _reject(f"'{name}' claims to be {claimed} but its content is {found}.")
        detected = claimed
    else:
        detected = kind.mime if kind else None
        if detected != claimed and not (claimed in ZIP_TYPES and detected == "application/zip"):
            _reject(
                f"'{name}' claims to be {claimed} but its content is "
                f"{detected or 'not a recognised format'}."
            )
    fileobj.seek(0)
    if claimed == "application/pdf":
        _check_pdf(fileobj, name)
    elif claimed in ZIP_TYPES:
        _check_zip(fileobj, name)
        if extension == "docx":
            _check_docx(fileobj, name)
    fileobj.seek(0)
    return Inspected(digest.hexdigest(), size, claimed, extension)


def _check_pdf(fileobj, name: str) -> None:
    from pypdf import PdfReader

    try:
        reader = PdfReader(fileobj, strict=False)
        if len(reader.pages) < 1:
            raise ValueError("no pages")
    except Exception as exc:
        _reject(f"'{name}' is not a readable PDF ({type(exc).__name__}: {exc}).")


def _check_zip(fileobj, name: str) -> None:
    max_total = int(getattr(settings, "RECORDS_MAX_UNCOMPRESSED_BYTES", 512 * 1024**2))
    max_ratio = int(getattr(settings, "RECORDS_MAX_COMPRESSION_RATIO", 100))
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        _reject(f"'{name}' is a damaged document (its ZIP container cannot be read: {exc}).")
    if len(infos) > 10000:
        _reject(f"'{name}' holds {len(infos)} parts; a document may hold at most 10000.")
    total = sum(i.file_size for i in infos)
    compressed = sum(i.compress_size for i in infos) or 1
    if total > max_total or total / compressed > max_ratio:
        _reject(
            f"'{name}' looks like a decompression bomb: {compressed} bytes expand to {total} "
            f"(limits: {max_total} bytes, ratio {max_ratio}:1)."
        )


def _check_docx(fileobj, name: str) -> None:
    import docx

    try:
        docx.Document(fileobj)
    except Exception as exc:
        _reject(f"'{name}' is not a readable Word document ({type(exc).__name__}).")


def guess_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
