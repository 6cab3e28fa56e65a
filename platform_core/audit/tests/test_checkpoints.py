"""Signed checkpoints anchor each council's chain head outside its schema, so deleting the newest
entries, recomputing the whole chain, a missing entry and a forged checkpoint are each found and
named."""

import contextlib
import os
import socket

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context

from platform_core.audit.checkpoints import (
    create_checkpoint,
    latest_checkpoint,
    signature_valid,
    verify,
)
from platform_core.audit.log import GENESIS, append, entry_hash, verify_chain
from platform_core.audit.models import AuditEntry
from platform_core.models import AuditCheckpoint

pytestmark = pytest.mark.django_db


def _entries(n: int, start: int = 0):
    return [
        append("thing.changed", object_type="test.thing", object_id=str(i), detail={"n": i})
        for i in range(start, start + n)
    ]


def _rewrite_every_hash(detail=None):
    """What someone with write access to the council's tables could do: change an entry and
    recompute every hash after it, so the chain verifies by itself."""
    prev = GENESIS
    for entry in AuditEntry.objects.order_by("seq"):
        if detail and entry.seq == 2:
            entry.detail = detail
        entry.prev_hash = prev
        entry.hash = entry_hash(entry)
        AuditEntry.objects.filter(pk=entry.pk).update(
            detail=entry.detail, prev_hash=entry.prev_hash, hash=entry.hash
        )
        prev = entry.hash


def test_a_checkpoint_signs_the_head_and_lives_in_the_public_schema(council_a):
    with schema_context(council_a.schema_name):
        *_, head = _entries(3)
        result = create_checkpoint()
        assert result.created and result.report.ok
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_schema FROM information_schema.tables"
                " WHERE table_name = 'platform_core_auditcheckpoint'"
            )
            assert [row[0] for row in cursor.fetchall()] == ["public"]
    checkpoint = AuditCheckpoint.objects.get(schema_name=council_a.schema_name)
    assert (checkpoint.seq, checkpoint.head_hash) == (head.seq, head.hash)
    assert signature_valid(checkpoint) and len(checkpoint.signature) == 64


def test_an_unchanged_head_is_not_signed_twice_and_a_new_head_is(council_a):
    with schema_context(council_a.schema_name):
        _entries(2)
        first = create_checkpoint()
        again = create_checkpoint()
        assert first.created and not again.created
        assert again.checkpoint.pk == first.checkpoint.pk
        _entries(1, start=2)
        assert create_checkpoint().checkpoint.seq == 3


def test_deleting_the_newest_entries_is_reported_as_truncation(council_a):
    with schema_context(council_a.schema_name):
        _entries(5)
        create_checkpoint()
        AuditEntry.objects.filter(seq__gte=4).delete()
        assert verify_chain().ok  # the chain alone cannot tell
        for full in (False, True):
            report = verify(full=full)
            assert (report.ok, report.problem, report.broken_seq) == (False, "truncation", 4)
            assert "newest 2 entries were deleted" in report.reason
    with pytest.raises(CommandError, match=r"\[truncation\]"):
        call_command("verify_audit", "--council", council_a.slug)


def test_rewriting_every_hash_consistently_is_reported_as_a_rewrite(council_a):
    with schema_context(council_a.schema_name):
        _entries(4)
        create_checkpoint()
        _rewrite_every_hash(detail={"n": "changed"})
        assert verify_chain().ok  # internally consistent
        for full in (False, True):
            report = verify(full=full)
            assert (report.ok, report.problem, report.broken_seq) == (False, "rewrite", 4)
        # and the checkpoint job refuses to sign the rewritten chain
        result = create_checkpoint(force=True)
        assert not result.report.ok and not result.created
        assert latest_checkpoint().head_hash != AuditEntry.objects.get(seq=4).hash
    with pytest.raises(CommandError, match=r"\[rewrite\]"):
        call_command("verify_audit", "--council", council_a.slug)


def test_a_missing_middle_entry_is_reported_as_a_gap(council_a):
    with schema_context(council_a.schema_name):
        _entries(4)
        create_checkpoint()
        _entries(3, start=4)  # entries 5-7, after the checkpoint
        AuditEntry.objects.filter(seq=6).delete()
        incremental = verify()
        assert (incremental.ok, incremental.problem, incremental.broken_seq) == (False, "gap", 6)
        assert incremental.incremental
        AuditEntry.objects.filter(seq=2).delete()  # before the checkpoint: the full walk
        full = verify(full=True)
        assert (full.ok, full.problem, full.broken_seq) == (False, "gap", 2)
    with pytest.raises(CommandError, match=r"\[gap\]"):
        call_command("verify_audit", "--council", council_a.slug)


@pytest.mark.parametrize("field", ["signature", "head_hash", "seq"])
def test_a_tampered_checkpoint_is_reported_as_a_bad_signature(council_a, field):
    with schema_context(council_a.schema_name):
        _entries(3)
        checkpoint = create_checkpoint().checkpoint
        forged = {"signature": "0" * 64, "head_hash": "f" * 64, "seq": 2}[field]
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(**{field: forged})
        report = verify()
    assert (report.ok, report.problem) == (False, "signature")


def test_a_checkpoint_signed_with_another_key_does_not_verify(council_a, settings):
    with schema_context(council_a.schema_name):
        _entries(2)
        create_checkpoint()
        settings.AUDIT_SIGNING_KEY = "another key entirely"
        assert verify().problem == "signature"


def test_verification_walks_only_the_entries_after_the_newest_checkpoint(
    council_a, django_assert_max_num_queries
):
    with schema_context(council_a.schema_name):
        _entries(30)
        create_checkpoint()
        _entries(2, start=30)
        with django_assert_max_num_queries(4):
            report = verify()
        assert (report.ok, report.incremental, report.checked, report.head_seq) == (
            True,
            True,
            2,
            32,
        )
        assert report.anchor_seq == 30
        assert verify(full=True).checked == 32


def test_each_council_is_checkpointed_against_its_own_chain(council_a, council_b, capsys):
    with schema_context(council_a.schema_name):
        _entries(3)
    with schema_context(council_b.schema_name):
        _entries(1)
    call_command("audit_checkpoint")
    out = capsys.readouterr().out
    assert "alphaford: signed checkpoint of entry #3" in out
    assert "betaby: signed checkpoint of entry #1" in out
    # A's checkpoint says nothing about B's chain: B's single entry deleted is B's truncation.
    with schema_context(council_b.schema_name):
        AuditEntry.objects.all().delete()
        assert verify().problem == "truncation"
    with schema_context(council_a.schema_name):
        assert verify().ok
    call_command("audit_checkpoint", "--council", council_a.slug)
    assert "alphaford: unchanged since checkpoint of entry #3" in capsys.readouterr().out
    with pytest.raises(CommandError, match="betaby"):
        call_command("audit_checkpoint", "--council", council_b.slug)


def test_the_beat_task_checkpoints_every_council(council_a, council_b):
    from django.conf import settings

    from platform_core.tasks import audit_checkpoint_all

    entry = settings.CELERY_BEAT_SCHEDULE["audit-checkpoint-all-councils"]
    assert entry["task"] == audit_checkpoint_all.name
    with schema_context(council_a.schema_name):
        _entries(2)
    results = audit_checkpoint_all.apply().get()
    assert results[council_a.schema_name].startswith("signed checkpoint of entry #2")
    assert council_b.schema_name in results


# --- S3 copy under Object Lock (moto's S3 server over HTTP) -----------------------------------
BUCKET = "audit-checkpoints-test"


@pytest.fixture(scope="module")
def moto_s3():
    import boto3
    from moto.server import ThreadedMotoServer

    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",  # noqa: S105 - moto's dummy credentials
        "AWS_DEFAULT_REGION": "eu-west-2",
    }.items():
        os.environ.setdefault(key, value)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-2")
    # moto's servers in one process share their backend: another fixture may have made the bucket.
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(
            Bucket=BUCKET,
            CreateBucketConfiguration={"LocationConstraint": "eu-west-2"},
            ObjectLockEnabledForBucket=True,
        )
    yield endpoint, client
    server.stop()


@pytest.fixture
def s3_storage(settings, moto_s3):
    from botocore.config import Config

    endpoint, client = moto_s3
    options = {
        "bucket_name": BUCKET,
        "endpoint_url": endpoint,
        "region_name": "eu-west-2",
        "access_key": "testing",
        "secret_key": "testing",
        "default_acl": None,
        "client_config": Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    }
    settings.STORAGES = {
        "default": {"BACKEND": "platform_core.storage.PrivateS3Storage", "OPTIONS": options},
        "public": {"BACKEND": "platform_core.storage.PublicS3Storage", "OPTIONS": options},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AUDIT_CHECKPOINT_LOCK_MODE = "GOVERNANCE"
    return client


def test_with_s3_each_checkpoint_is_an_object_under_object_lock(council_a, s3_storage):
    from botocore.exceptions import ClientError

    with schema_context(council_a.schema_name):
        _entries(3)
        checkpoint = create_checkpoint().checkpoint
    key = f"audit-checkpoints/{council_a.schema_name}/{3:020d}.json"
    assert checkpoint.s3_key == key and checkpoint.s3_version_id
    # HeadObject, not GetObjectRetention: moto 5.2.5's server answers 500 to the latter.
    head = s3_storage.head_object(Bucket=BUCKET, Key=key, VersionId=checkpoint.s3_version_id)
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert head["ObjectLockRetainUntilDate"].year >= checkpoint.created_at.year + 6
    with pytest.raises(ClientError):
        s3_storage.delete_object(Bucket=BUCKET, Key=key, VersionId=checkpoint.s3_version_id)


def test_with_s3_truncation_is_found_even_when_the_checkpoint_rows_are_deleted(
    council_a, s3_storage
):
    with schema_context(council_a.schema_name):
        _entries(4)
        create_checkpoint()
        AuditCheckpoint.objects.filter(schema_name=council_a.schema_name).delete()
        assert verify(full=True).problem == "checkpoint_deleted"
        AuditEntry.objects.filter(seq=4).delete()
        assert verify(full=True).problem == "truncation"


def test_a_checkpoint_s3_could_not_take_is_put_there_by_the_next_run(
    council_a, s3_storage, settings
):
    with schema_context(council_a.schema_name):
        _entries(2)
        s3_storage_options = settings.STORAGES["default"]["OPTIONS"]
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                **settings.STORAGES["default"],
                "OPTIONS": {**s3_storage_options, "bucket_name": "no-such-bucket"},
            },
        }
        first = create_checkpoint()
        assert first.created and first.checkpoint.s3_key == "" and first.mirrored == []
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                **settings.STORAGES["default"],
                "OPTIONS": s3_storage_options,
            },
        }
        second = create_checkpoint()
        assert not second.created and second.mirrored == [2]
