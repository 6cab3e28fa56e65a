"""Signed checkpoints of each council's audit chain, kept outside the council's schema.

The chain proves that no entry was changed or removed in the middle, but by itself it cannot show
that the newest entries were deleted, or that the whole chain was recomputed: nothing in the
council's tables anchors the head. A checkpoint does: the head (seq, hash) signed with
AUDIT_SIGNING_KEY (HMAC-SHA256; the key is in the environment, never in the database), stored in
the public schema (``platform_core.AuditCheckpoint``) and, where S3 is configured, as an object
under Object Lock that nobody can change or delete before its retention date.

``create_checkpoint`` verifies the chain from the previous checkpoint before it signs, so every
checkpoint vouches for the whole chain up to its head. ``verify`` checks the chain against the
newest checkpoint and names the damage: truncation, rewrite, gap, tampered entry, bad signature.
Incremental verification (the records dashboard) walks only the entries after the newest
checkpoint; the full walk (``manage.py verify_audit``) checks every entry and every checkpoint.
"""

import base64
import datetime
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from platform_core.db import connection
from platform_core.models import AuditCheckpoint

from .log import ChainReport, entry_hash, flush_pending, verify_chain
from .models import AuditEntry

log = structlog.get_logger(__name__)

ALGORITHM = "hmac-sha256"
_DEV_KEY_LABEL = b"council-platform audit checkpoint signing key v1"


# --- Signing -------------------------------------------------------------------------------------
def signing_key() -> bytes:
    """AUDIT_SIGNING_KEY from the environment (any string; 32+ random bytes, e.g.
    ``python -c "import secrets; print(secrets.token_urlsafe(48))"``). Without it (development,
    tests) a key is derived from SECRET_KEY: still outside the database, but anyone who knows
    SECRET_KEY can sign. Production refuses to start without AUDIT_SIGNING_KEY."""
    configured = getattr(settings, "AUDIT_SIGNING_KEY", None)
    if configured:
        return configured.encode() if isinstance(configured, str) else bytes(configured)
    return hmac.new(settings.SECRET_KEY.encode(), _DEV_KEY_LABEL, hashlib.sha256).digest()


def key_id(key: bytes | None = None) -> str:
    """A public name for the key (not the key): which key signed a checkpoint."""
    return hashlib.sha256(b"key-id:" + (key or signing_key())).hexdigest()[:16]


def _message(schema_name: str, seq: int, head_hash: str, created_at: datetime.datetime) -> bytes:
    stamp = created_at.astimezone(datetime.UTC).isoformat()
    return (
        f"council-platform/audit-checkpoint/v1\n{schema_name}\n{seq}\n{head_hash}\n{stamp}".encode()
    )


def sign(schema_name: str, seq: int, head_hash: str, created_at: datetime.datetime) -> str:
    return hmac.new(
        signing_key(), _message(schema_name, seq, head_hash, created_at), hashlib.sha256
    ).hexdigest()


def signature_valid(checkpoint) -> bool:
    if checkpoint.algorithm != ALGORITHM or checkpoint.key_id != key_id():
        return False
    expected = sign(
        checkpoint.schema_name, checkpoint.seq, checkpoint.head_hash, checkpoint.created_at
    )
    return hmac.compare_digest(expected, checkpoint.signature)


# --- S3 copy under Object Lock -----------------------------------------------------------------
def _s3():
    """(client, bucket) when the platform stores files on S3, else None."""
    from django.core.files.storage import storages

    storage: Any = storages["default"]
    bucket = getattr(storage, "bucket_name", None)
    if not bucket:
        return None
    return storage.connection.meta.client, bucket


def _s3_key(schema_name: str, seq: int) -> str:
    prefix = getattr(settings, "AUDIT_CHECKPOINT_S3_PREFIX", "audit-checkpoints/")
    return f"{prefix}{schema_name}/{seq:020d}.json"


def _document(checkpoint) -> dict:
    return {
        "schema": checkpoint.schema_name,
        "seq": checkpoint.seq,
        "hash": checkpoint.head_hash,
        "created_at": checkpoint.created_at.astimezone(datetime.UTC).isoformat(),
        "algorithm": checkpoint.algorithm,
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
    }


def _mirror_to_s3(checkpoint) -> bool:
    """Put the checkpoint's S3 object (Object Lock retention where AUDIT_CHECKPOINT_LOCK_MODE is
    set). The database row is the source of truth; a failed put is retried by the next
    ``create_checkpoint`` for the council (``s3_key`` stays empty until then)."""
    target = _s3()
    if target is None:
        return False
    client, bucket = target
    key = _s3_key(checkpoint.schema_name, checkpoint.seq)
    body = json.dumps(_document(checkpoint), sort_keys=True).encode()
    extra: dict = {"ContentType": "application/json"}
    mode = getattr(settings, "AUDIT_CHECKPOINT_LOCK_MODE", "")
    if mode:
        days = int(getattr(settings, "AUDIT_CHECKPOINT_LOCK_DAYS", 2557))
        extra |= {
            "ObjectLockMode": mode.upper(),
            "ObjectLockRetainUntilDate": timezone.now() + datetime.timedelta(days=days),
            "ContentMD5": base64.b64encode(hashlib.md5(body).digest()).decode(),  # noqa: S324 - S3's integrity header
        }
    try:
        answer = client.put_object(Bucket=bucket, Key=key, Body=body, **extra)
    except Exception as exc:  # noqa: BLE001 - any S3 failure: keep the row, retry next time
        log.error("audit.checkpoint_not_mirrored", schema=checkpoint.schema_name, error=str(exc))
        return False
    AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(
        s3_key=key, s3_version_id=answer.get("VersionId") or ""
    )
    checkpoint.s3_key, checkpoint.s3_version_id = key, answer.get("VersionId") or ""
    return True


def _latest_s3_checkpoint(schema_name: str) -> AuditCheckpoint | None:
    """The newest checkpoint object in S3 for the council (unsaved), or None."""
    target = _s3()
    if target is None:
        return None
    client, bucket = target
    prefix = _s3_key(schema_name, 0).rsplit("/", 1)[0] + "/"
    newest, token = None, None
    while True:
        kwargs = {"Bucket": bucket, "Prefix": prefix} | (
            {"ContinuationToken": token} if token else {}
        )
        page = client.list_objects_v2(**kwargs)
        for item in page.get("Contents", []):
            if newest is None or item["Key"] > newest:
                newest = item["Key"]
        if not page.get("IsTruncated"):
            break
        token = page["NextContinuationToken"]
    if newest is None:
        return None
    doc = json.loads(client.get_object(Bucket=bucket, Key=newest)["Body"].read())
    return AuditCheckpoint(
        schema_name=doc["schema"],
        seq=doc["seq"],
        head_hash=doc["hash"],
        created_at=datetime.datetime.fromisoformat(doc["created_at"]),
        algorithm=doc["algorithm"],
        key_id=doc["key_id"],
        signature=doc["signature"],
        s3_key=newest,
    )


# --- Verification --------------------------------------------------------------------------------
def _anchor_problem(anchor, report: ChainReport) -> ChainReport | None:
    """Compare the signed head with the chain as it is now."""
    when = anchor.created_at.isoformat(timespec="seconds")
    entry = AuditEntry.objects.filter(seq=anchor.seq).first()
    if entry is None:
        last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        if last < anchor.seq:
            return _failed(
                report,
                "truncation",
                last + 1,
                f"the chain ends at entry #{last} but the checkpoint of {when} vouches for "
                f"entry #{anchor.seq}: the newest {anchor.seq - last} entries were deleted",
                anchor,
            )
        return _failed(
            report,
            "gap",
            anchor.seq,
            f"entry #{anchor.seq}, signed in the checkpoint of {when}, is missing",
            anchor,
        )
    if entry.hash != anchor.head_hash:
        if entry_hash(entry) == entry.hash:
            reason = (
                f"entry #{anchor.seq} verifies by itself but its hash differs from the checkpoint "
                f"of {when}: the chain was rewritten (hashes recomputed)"
            )
            return _failed(report, "rewrite", anchor.seq, reason, anchor)
        return _failed(report, "tampered", anchor.seq, "content does not match its hash", anchor)
    if entry_hash(entry) != entry.hash:
        return _failed(report, "tampered", anchor.seq, "content does not match its hash", anchor)
    return None


def _failed(report: ChainReport, problem: str, seq: int, reason: str, anchor=None) -> ChainReport:
    report.ok, report.problem, report.broken_seq, report.reason = False, problem, seq, reason
    if anchor is not None:
        report.anchor_seq, report.anchored_at = anchor.seq, anchor.created_at
    return report


def latest_checkpoint(schema_name: str | None = None) -> AuditCheckpoint | None:
    schema_name = schema_name or connection.schema_name
    return AuditCheckpoint.objects.filter(schema_name=schema_name).order_by("-seq").first()


def verify(*, full: bool = False, use_s3: bool | None = None) -> ChainReport:
    """Verify the current council's chain against its newest checkpoint.

    Incremental (default): check the newest checkpoint's signature and that its entry still has
    the signed hash, then walk only the entries after it. Full: walk the whole chain from
    genesis, and check every checkpoint of the council. ``use_s3`` (default: with ``full``)
    also reads the newest checkpoint object from S3, which survives deletion of the rows in the
    database.
    """
    schema_name = connection.schema_name
    use_s3 = full if use_s3 is None else use_s3
    checkpoints = AuditCheckpoint.objects.filter(schema_name=schema_name).order_by("-seq")
    anchors = list(checkpoints) if full else list(checkpoints[:1])
    s3_newest = _latest_s3_checkpoint(schema_name) if use_s3 else None

    for checkpoint in [*anchors, *([s3_newest] if s3_newest else [])]:
        if not signature_valid(checkpoint):
            where = f"S3 object {checkpoint.s3_key}" if checkpoint.pk is None else "database"
            return _failed(
                ChainReport(False, 0),
                "signature",
                checkpoint.seq,
                f"the checkpoint of entry #{checkpoint.seq} ({where}) has an invalid signature: "
                "altered, or signed with another key",
                checkpoint,
            )
    newest = anchors[0] if anchors else None
    deleted = s3_newest is not None and (newest is None or s3_newest.seq > newest.seq)
    if deleted:
        newest = s3_newest

    if full or newest is None:
        report = verify_chain()
        if not report.ok:
            return report
        for anchor in [*([s3_newest] if deleted else []), *anchors]:
            problem = _anchor_problem(anchor, report)
            if problem:
                return problem
    else:
        report = ChainReport(True, 0)
        problem = _anchor_problem(newest, report)
        if problem:
            return problem
        report = verify_chain(after_seq=newest.seq, after_hash=newest.head_hash)
        report.incremental = True
        if not report.ok:
            report.anchor_seq, report.anchored_at = newest.seq, newest.created_at
            return report
    if newest is not None:
        report.anchor_seq, report.anchored_at = newest.seq, newest.created_at
    if deleted:
        assert s3_newest is not None  # deleted means S3 holds a newer checkpoint
        return _failed(
            report,
            "checkpoint_deleted",
            s3_newest.seq,
            f"the checkpoint of entry #{s3_newest.seq} is in S3 but not in the database: "
            "checkpoint rows were deleted",
            s3_newest,
        )
    return report


# --- Creating checkpoints ------------------------------------------------------------------------
@dataclass
class CheckpointResult:
    schema_name: str
    report: ChainReport
    checkpoint: AuditCheckpoint | None = None
    created: bool = False
    mirrored: list[int] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if not self.report.ok:
            return (
                f"not signed: the chain does not verify ({self.report.problem} at entry "
                f"#{self.report.broken_seq}: {self.report.reason})"
            )
        if self.checkpoint is None:
            return "nothing to sign (no entries yet)"
        verb = "signed" if self.created else "unchanged since"
        return (
            f"{verb} checkpoint of entry #{self.checkpoint.seq} ({self.checkpoint.head_hash[:12]}…)"
        )


def create_checkpoint(*, force: bool = False) -> CheckpointResult:
    """Sign the current council's chain head, after verifying the chain from the newest
    checkpoint. Skipped when the head has not moved (unless ``force``). Also puts any
    checkpoint not yet copied to S3 there. Idempotent."""
    schema_name = connection.schema_name
    flush_pending()
    report = verify()
    result = CheckpointResult(schema_name, report)
    if not report.ok:
        log.error(
            "audit.chain_broken",
            schema=schema_name,
            problem=report.problem,
            seq=report.broken_seq,
            reason=report.reason,
        )
        return result
    newest = latest_checkpoint(schema_name)
    if report.head_seq == 0:
        return result
    if newest and newest.seq == report.head_seq and not force:
        result.checkpoint = newest
    else:
        created_at = timezone.now()
        checkpoint = AuditCheckpoint(
            schema_name=schema_name,
            seq=report.head_seq,
            head_hash=report.head_hash,
            created_at=created_at,
            algorithm=ALGORITHM,
            key_id=key_id(),
            signature=sign(schema_name, report.head_seq, report.head_hash, created_at),
        )
        try:
            with transaction.atomic():
                checkpoint.save()
            result.created = True
        except IntegrityError:  # another run signed the same head at the same moment
            checkpoint = latest_checkpoint(schema_name)  # type: ignore[assignment]
        result.checkpoint = checkpoint
        log.info("audit.checkpoint", schema=schema_name, seq=checkpoint.seq)
    for unmirrored in AuditCheckpoint.objects.filter(schema_name=schema_name, s3_key=""):
        if _mirror_to_s3(unmirrored):
            result.mirrored.append(unmirrored.seq)
    if result.checkpoint is not None and result.checkpoint.seq in result.mirrored:
        result.checkpoint.refresh_from_db()
    return result


def checkpoint_all_councils(*, force: bool = False) -> dict[str, str]:
    """One checkpoint per council (Celery beat; ``manage.py audit_checkpoint``)."""
    from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context

    results = {}
    councils = get_tenant_model().objects.exclude(schema_name=get_public_schema_name())
    for council in councils.order_by("schema_name"):
        with schema_context(council.schema_name):
            results[council.schema_name] = create_checkpoint(force=force).summary
    return results
