"""Where record content lives: the council's private storage (``default``: ``<schema>/private/``
on disk or in S3). Record content is never public media: it leaves only through the records API.

The database is the source of truth. Content is written first, outside any transaction, and
recorded after in a short transaction (records.actions.records): a failed upload leaves no row,
and a row never points at content that was not stored. Content without a row (the recording
failed, or a write that timed out landed later) is an orphan: ``manage.py reconcile_records
--fix`` deletes it once it is older than ``RECORDS_ORPHAN_GRACE_SECONDS``.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.http import content_disposition_header
from rest_framework import status
from rest_framework.exceptions import APIException

from platform_core.storage import check_name

PREFIX = "records/"


class StorageUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "storage_unavailable"
    default_detail = "The record store (S3) cannot be reached; nothing was stored. Try again later."


def is_s3(storage=None) -> bool:
    return hasattr(storage or default_storage, "bucket_name")


def _storage_errors() -> tuple:
    errors: list = [OSError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError

        errors += [BotoCoreError, ClientError]
    except ImportError:  # pragma: no cover - boto3 is a dependency
        pass
    try:
        from boto3.exceptions import S3UploadFailedError

        errors.append(S3UploadFailedError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


def object_key(name: str) -> str:
    """The full object key (``<schema>/private/<name>``) of a stored name."""
    check_name(name)
    storage = default_storage
    if not is_s3():
        return storage.path(name)
    from storages.utils import clean_name

    key = storage._normalize_name(clean_name(name))
    return key + "/" if name.endswith("/") and not key.endswith("/") else key


SINGLE_PUT_BYTES = 8 * 1024 * 1024


def save_content(
    name: str, fileobj, retain_until: datetime | None = None, content_type: str = ""
) -> str:
    """Store content under exactly ``name`` (a fresh random id); 503 if the store is down.

    On S3 the object is written directly (no existence check: the name is a new random id):
    one PUT up to 8 MB, above that a multipart upload that reads one 8 MB part at a time, so
    a large file never sits in memory. Object Lock retention goes with the write itself.
    """
    fileobj.seek(0)
    try:
        if is_s3():
            _put_s3(name, fileobj, retain_until, content_type)
        else:
            saved = default_storage.save(name, File(fileobj, name=name))
            if saved != name:  # pragma: no cover - a random id never collides
                raise OSError(f"stored as {saved!r} instead of {name!r}")
    except _storage_errors() as exc:
        raise StorageUnavailable(
            f"The record store cannot be reached ({type(exc).__name__}); nothing was stored."
        ) from exc
    return name


def _put_s3(name: str, fileobj, retain_until, content_type: str) -> None:
    from boto3.s3.transfer import TransferConfig

    client = default_storage.connection.meta.client
    extra: dict = {"ContentType": content_type or "application/octet-stream"}
    mode = getattr(settings, "RECORDS_OBJECT_LOCK_MODE", None)
    if mode and retain_until:
        extra |= {"ObjectLockMode": mode.upper(), "ObjectLockRetainUntilDate": retain_until}
    size = getattr(fileobj, "size", None)
    if size is not None and size <= SINGLE_PUT_BYTES:
        client.put_object(
            Bucket=default_storage.bucket_name, Key=object_key(name), Body=fileobj, **extra
        )
        return
    config = TransferConfig(
        multipart_threshold=SINGLE_PUT_BYTES,
        multipart_chunksize=SINGLE_PUT_BYTES,
        use_threads=False,
    )
    bucket, key = default_storage.bucket_name, object_key(name)
    client.upload_fileobj(fileobj, bucket, key, ExtraArgs=extra, Config=config)
    if "ObjectLockMode" in extra:
        # Set again on the completed object: not every S3 implementation (moto among them)
        # carries the lock from CreateMultipartUpload to the object.
        client.put_object_retention(
            Bucket=bucket,
            Key=key,
            Retention={
                "Mode": extra["ObjectLockMode"],
                "RetainUntilDate": extra["ObjectLockRetainUntilDate"],
            },
        )


def open_content(name: str):
    try:
        return default_storage.open(name, "rb")
    except _storage_errors() as exc:
        raise StorageUnavailable(
            f"The record store cannot be reached ({type(exc).__name__})."
        ) from exc


class ContentMissing(APIException):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "content_missing"
    default_detail = (
        "The stored content of this version is missing from the record store; nothing was read."
    )


def _probe_client():
    """An S3 client for the cheap availability check before a download link is issued: one
    attempt, short timeouts (``RECORDS_STORAGE_PROBE_TIMEOUT``), so an S3 outage costs the
    request about that long, not the upload client's retries."""
    from botocore.config import Config

    storage: Any = default_storage
    timeout = float(getattr(settings, "RECORDS_STORAGE_PROBE_TIMEOUT", 2.0))
    config = storage.client_config.merge(
        Config(
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"total_max_attempts": 1, "mode": "standard"},
        )
    )
    return storage._create_session().client(
        "s3",
        region_name=storage.region_name,
        use_ssl=storage.use_ssl,
        endpoint_url=storage.endpoint_url,
        config=config,
        verify=storage.verify,
    )


def check_content(name: str) -> None:
    """Before a presigned link is issued: the store answers and holds the object (a HEAD).
    StorageUnavailable (503) when it cannot be reached, ContentMissing (404) when it answers
    without the object. On the filesystem the view opens the file instead."""
    if not is_s3():
        return
    from botocore.exceptions import ClientError

    try:
        _probe_client().head_object(Bucket=default_storage.bucket_name, Key=object_key(name))
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in ("404", "NoSuchKey", "NotFound"):
            raise ContentMissing() from exc
        raise StorageUnavailable(
            f"The record store cannot be reached ({code or type(exc).__name__}); nothing was read."
        ) from exc
    except _storage_errors() as exc:
        raise StorageUnavailable(
            f"The record store cannot be reached ({type(exc).__name__}); nothing was read."
        ) from exc


def download_url(name: str, filename: str) -> str | None:
    """A short-lived presigned URL on S3; None on the filesystem (the view streams the file)."""
    if not is_s3():
        return None
    expire = int(getattr(settings, "RECORDS_DOWNLOAD_URL_SECONDS", 60))
    return default_storage.url(
        name,
        parameters={"ResponseContentDisposition": content_disposition_header(True, filename)},
        expire=expire,
    )


def delete_content(name: str) -> None:
    """Delete every stored version of the object (versioned and Object Lock buckets included)."""
    try:
        if is_s3():
            client = default_storage.connection.meta.client
            bucket, key = default_storage.bucket_name, object_key(name)
            bypass = (
                getattr(settings, "RECORDS_OBJECT_LOCK_MODE", "") or ""
            ).upper() == "GOVERNANCE"
            listing = client.list_object_versions(Bucket=bucket, Prefix=key)
            versions = [
                v
                for v in listing.get("Versions", []) + listing.get("DeleteMarkers", [])
                if v["Key"] == key
            ]
            for v in versions:
                extra = {"BypassGovernanceRetention": True} if bypass else {}
                client.delete_object(Bucket=bucket, Key=key, VersionId=v["VersionId"], **extra)
            if not versions:
                default_storage.delete(name)
        else:
            default_storage.delete(name)
    except _storage_errors() as exc:
        raise StorageUnavailable(
            f"The record store cannot be reached ({type(exc).__name__}); nothing was destroyed."
        ) from exc


def list_stored_names(prefix: str = PREFIX) -> set[str]:
    """Every stored content name under ``prefix`` (records/ by default) for the current council."""
    return set(list_stored_objects(prefix))


def list_stored_objects(prefix: str = PREFIX) -> dict[str, datetime]:
    """Every stored name under ``prefix`` for the current council, with when it was written."""
    found: dict[str, datetime] = {}
    if is_s3():
        client = default_storage.connection.meta.client
        full = object_key(prefix)
        paginator = client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=default_storage.bucket_name, Prefix=full):
            for obj in page.get("Contents", []):
                found[prefix + obj["Key"][len(full) :]] = obj["LastModified"]
        return found
    if not default_storage.exists(prefix):
        return found

    def walk(folder):
        dirs, files = default_storage.listdir(folder)
        for f in files:
            found[f"{folder}{f}"] = default_storage.get_modified_time(f"{folder}{f}")
        for d in dirs:
            walk(f"{folder}{d}/")

    walk(prefix)
    return found
