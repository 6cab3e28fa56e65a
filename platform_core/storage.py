"""Tenant-aware file storage: every stored name lives under the current council's schema.

A name saved by council A (``records/ab12.pdf``) is resolved at read time under the *current*
schema, so council B asking for the same name reads ``<schema_b>/records/ab12.pdf`` — never A's.
URLs are ``/media/<name>`` on the council's own domain and are served by
``platform_core.views.serve_media``, which reads only the current schema's folder.
"""

from django.conf import settings
from django.db import connection
from django.utils.functional import cached_property
from django_tenants.files.storage import TenantFileSystemStorage as _DjangoTenantsFileSystemStorage
from storages.backends.s3 import S3Storage


def current_schema() -> str:
    return connection.schema_name


class TenantFileSystemStorage(_DjangoTenantsFileSystemStorage):
    """Files under ``MEDIA_ROOT/<schema>/`` (django-tenants' storage)."""

    @cached_property
    def relative_media_url(self):
        return settings.MEDIA_URL


class TenantS3Storage(S3Storage):
    """S3 objects under ``<schema>/`` in one bucket; django-tenants ships no S3 storage."""

    def _normalize_name(self, name):
        return super()._normalize_name(f"{current_schema()}/{name}")
