"""Tenant-aware file storage: every stored name lives under the current council's schema, and
under a *private* or a *public* area of it.

    <MEDIA_ROOT or bucket>/<schema>/private/...   record content, transfer packages, Wagtail
                                                   documents, original images (``default``)
    <MEDIA_ROOT or bucket>/<schema>/public/...    image renditions (``public``)

The storage's *location* is the council's area (``<schema>/private`` or ``<schema>/public``),
read from the connection's schema at call time, so a name is always joined under it and a name
that climbs out is refused by the join itself. Before that, every name is checked
(:func:`check_name`): a backslash, a control character, a ``.``/``..``/empty segment, a leading
``/``, a percent sign, or any change under ``posixpath.normpath`` or Unicode NFKC (``\u2024``,
``\uff0e``) is a :class:`~django.core.exceptions.SuspiciousFileOperation`. (django-storages turns
``\\`` into ``/`` after its own path check; refusing it first closes that door.)

``/media/<name>`` (``platform_core.views.serve_media``) reads only the ``public`` storage of
the council whose host was asked, and only its ``images/`` folder. Private files leave through
views that check permission: record content through the records API (audited; a presigned URL
on S3), documents through Wagtail's serve view (collection privacy). Existing files in the old
layout (``<schema>/<name>``) are moved by ``manage.py move_media_layout``.
"""

import os
import posixpath
import unicodedata
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.text import get_valid_filename
from storages.backends.s3 import S3Storage
from whitenoise.storage import CompressedManifestStaticFilesStorage

from platform_core.db import connection

PRIVATE = "private"
PUBLIC = "public"
AREAS = (PRIVATE, PUBLIC)


def current_schema() -> str:
    return connection.schema_name


def check_name(name) -> str:
    """The name, if it is a plain relative path that means the same to every layer (Django,
    django-storages, the filesystem, S3, a proxy); otherwise SuspiciousFileOperation.

    A trailing ``/`` (a folder, for listings) is allowed."""
    if not isinstance(name, str) or not name:
        raise SuspiciousFileOperation("A file name is required.")
    if any(c == "\\" or c == "%" or ord(c) < 32 or ord(c) == 127 for c in name):
        raise SuspiciousFileOperation(f"Refused file name {name!r}: unsafe character.")
    if unicodedata.normalize("NFKC", name) != name:
        raise SuspiciousFileOperation(f"Refused file name {name!r}: not in Unicode NFKC form.")
    body = name[:-1] if name.endswith("/") else name
    segments = body.split("/")
    if name.startswith("/") or any(s in ("", ".", "..") for s in segments):
        raise SuspiciousFileOperation(f"Refused file name {name!r}: not a plain relative path.")
    if posixpath.normpath(body) != body:
        raise SuspiciousFileOperation(f"Refused file name {name!r}: changes when normalised.")
    return name


if TYPE_CHECKING:
    _Mixin = Storage  # what the checker sees: the storage methods the mixin overrides
else:
    _Mixin = object


class _CheckedNames(_Mixin):
    """Every public entry point checks the name first (the backends then join it under the
    council's area, which refuses an escape a second time)."""

    area = PRIVATE

    def get_valid_name(self, name):
        return get_valid_filename(unicodedata.normalize("NFKC", str(name)))

    def open(self, name, mode="rb"):
        return super().open(check_name(name), mode)

    def save(self, name, content, max_length=None):
        if name is None:
            name = content.name
        return super().save(check_name(name), content, max_length=max_length)

    def delete(self, name):
        return super().delete(check_name(name))

    def exists(self, name):
        return super().exists(check_name(name))

    def size(self, name):
        return super().size(check_name(name))

    def url(self, name, *args, **kwargs):
        return super().url(check_name(name), *args, **kwargs)

    def listdir(self, path):
        return super().listdir(check_name(path) if path else path)

    def get_modified_time(self, name):
        return super().get_modified_time(check_name(name))


class TenantFileSystemStorage(_CheckedNames, FileSystemStorage):
    """Files under ``MEDIA_ROOT/<schema>/<area>/``; the root is read at call time, so a change of
    ``MEDIA_ROOT`` (tests) or of schema takes effect at once."""

    @property
    def base_location(self):
        return os.path.join(settings.MEDIA_ROOT, current_schema(), self.area)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return settings.MEDIA_URL

    def path(self, name):
        return super().path(check_name(name) if name else name)


class PrivateFileSystemStorage(TenantFileSystemStorage):
    """Private files have no URL of their own: they leave through views that check permission
    (Wagtail's document serve view streams them: ``WAGTAILDOCS_SERVE_METHOD = "serve_view"``)."""

    area = PRIVATE

    def url(self, name, *args, **kwargs):
        check_name(name)
        return ""


class PublicFileSystemStorage(TenantFileSystemStorage):
    """Public files (image renditions), served at ``/media/<name>`` on the council's host."""

    area = PUBLIC


class TenantS3Storage(_CheckedNames, S3Storage):
    """S3 objects under ``<location>/<schema>/<area>/`` in one bucket (django-tenants ships no S3
    storage). ``location`` is that prefix, so django-storages' own join refuses any escape."""

    def __init__(self, **options):
        self._base_location = ""
        super().__init__(**options)

    @property
    def location(self):
        parts = [self._base_location, current_schema(), self.area]
        return "/".join(p for p in parts if p)

    @location.setter
    def location(self, value):
        self._base_location = (value or "").strip("/")


class PrivateS3Storage(TenantS3Storage):
    """URLs are short-lived presigned URLs (``querystring_auth``): only views that have checked
    permission hand them out (records API, Wagtail's document serve view by redirect)."""

    area = PRIVATE


class PublicS3Storage(TenantS3Storage):
    """Public files are served at ``/media/<name>`` on the council's host (streamed from S3 by
    ``serve_media``), so pages carry stable URLs that the page cache can keep."""

    area = PUBLIC

    def url(self, name, *args, **kwargs):
        return settings.MEDIA_URL + quote(check_name(name))


class FingerprintedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Static files with their content hash in the name (``site.3f2a9c1b0d4e.css``), gzipped
    beside each one, once ``collectstatic`` has run (the image's build, ``make run``): WhiteNoise
    then serves them with ``Cache-Control: max-age=315360000, public, immutable``.

    Before ``collectstatic`` (a fresh checkout, the test suite) or for a file added since, the
    plain name is used and WhiteNoise's finders serve it with a short max-age, instead of
    Django's "Missing staticfiles manifest entry" error on every page."""

    manifest_strict = False

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:  # not collected: no manifest entry and no file under STATIC_ROOT
            return name
