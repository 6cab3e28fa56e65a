"""Restoring a council's export into a fresh schema: the restored council serves the same pages,
holds the same number of rows in every table, and serves the same file bytes; a bad archive
(changed checksum, missing table, another release, broken rows) is refused with a clear error
and leaves nothing behind."""

import io
import json
import re
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_tenants.utils import schema_exists

from platform_core import provisioning
from tenants.export import schema_tables, write_archive
from tenants.models import Council, CouncilEvent
from tenants.restore import ArchiveError, restore_council

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def demo_a(council_a, in_council):
    """Council A with the demo content (pages, records...) and a public image file."""
    with in_council(council_a):
        for step in provisioning.steps(provisioning.DEMO):
            if step.name.split(".")[0] in {"cms", "records"}:
                step.fn(council_a)
        image = storages["public"].save("images/restore-test.png", ContentFile(PNG))
    yield council_a
    with in_council(council_a):
        storages["public"].delete(image)


@pytest.fixture
def archive(demo_a):
    buffer = io.BytesIO()
    write_archive(demo_a, buffer)
    return buffer.getvalue()


@pytest.fixture
def cleanup_files():
    made = []
    yield made
    for schema in made:
        from django_tenants.utils import schema_context

        with schema_context(schema):
            for alias in ("default", "public"):
                from tenants.export import walk_storage

                storage = storages[alias]
                for name in list(walk_storage(storage)):
                    storage.delete(name)


def _normalise(body: str, *hosts: str) -> str:
    for host in hosts:
        body = body.replace(host, "HOST")
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "CSRF", body)
    return re.sub(r'nonce="[^"]*"', "NONCE", body)


def _page_paths(council, in_council) -> list[str]:
    from wagtail.models import Page, Site

    with in_council(council):
        site = Site.objects.get(is_default_site=True)
        return sorted(
            page.relative_url(site)
            for page in Page.objects.live().public().filter(depth__gte=2).specific()
        )


def test_restored_council_serves_the_same_pages_rows_and_files(
    demo_a, archive, in_council, cleanup_files
):
    cleanup_files.append("c_alphaford_copy")
    restored = restore_council(
        io.BytesIO(archive), slug="alphaford-copy", gss_code="E06000911", actor="test"
    )
    assert restored.schema_name == "c_alphaford_copy" and schema_exists("c_alphaford_copy")
    assert restored.name == "Alphaford Council" and restored.primary_domain.startswith(
        "alphaford-copy."
    )

    from django.db import connection

    with connection.cursor() as cursor:
        for table in schema_tables("c_alphaford"):
            if table == "django_session":
                continue
            counts = []
            for schema in ("c_alphaford", "c_alphaford_copy"):
                cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')  # noqa: S608
                counts.append(cursor.fetchone()[0])
            assert counts[0] == counts[1], table

    paths = _page_paths(demo_a, in_council)
    assert len(paths) > 5 and paths == _page_paths(restored, in_council)
    original = Client(HTTP_HOST=demo_a.primary_domain)
    copy = Client(HTTP_HOST=restored.primary_domain)
    hosts = (restored.primary_domain, demo_a.primary_domain)
    for path in paths:
        a, b = original.get(path), copy.get(path)
        assert a.status_code == b.status_code == 200, path
        assert _normalise(b.content.decode(), *hosts) == _normalise(a.content.decode(), *hosts), (
            path
        )

    served = copy.get("/media/images/restore-test.png")
    assert served.status_code == 200
    assert b"".join(served.streaming_content if served.streaming else [served.content]) == PNG
    event = CouncilEvent.objects.get(council=restored, kind="restored")
    assert event.detail["source"] == "alphaford" and event.actor_name == "test"

    # New rows in the restored council continue after the restored ids.
    from django.contrib.auth import get_user_model

    with in_council(restored):
        get_user_model().objects.create_user("after-restore@alphaford.example")


def _rewrite(archive: bytes, change) -> bytes:
    """A copy of the archive after ``change(manifest, members)`` (members: name -> bytes)."""
    source = zipfile.ZipFile(io.BytesIO(archive))
    members = {name: source.read(name) for name in source.namelist()}
    manifest = json.loads(members.pop("manifest.json"))
    change(manifest, members)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
        target.writestr("manifest.json", json.dumps(manifest))
    return out.getvalue()


def _table(manifest, name):
    return next(t for t in manifest["tables"] if t["name"] == name)


def _tamper_rows(manifest, members):
    members[_table(manifest, "auth_group")["file"]] += b"999,Intruders\n"


def _drop_table(manifest, members):
    table = _table(manifest, "auth_group")
    manifest["tables"].remove(table)
    del members[table["file"]]


def _older_release(manifest, members):
    manifest["schema_version"]["migrations"].pop()


def _other_format(manifest, members):
    manifest["format"] = "someone-elses-export/7"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_tamper_rows, "does not match the manifest"),
        (_drop_table, "lacks the table(s) auth_group"),
        (_older_release, "made by a different release"),
        (_other_format, "this platform restores"),
    ],
)
def test_a_bad_archive_is_refused_before_anything_is_written(archive, change, message):
    with pytest.raises(ArchiveError) as refused:
        restore_council(
            io.BytesIO(_rewrite(archive, change)), slug="alphaford-bad", gss_code="E06000912"
        )
    assert message in " ".join(refused.value.messages)
    assert not Council.objects.filter(slug="alphaford-bad").exists()
    assert not schema_exists("c_alphaford_bad")


def test_rows_that_break_a_foreign_key_roll_everything_back_files_too(archive, in_council):
    """A consistent archive (checksums recomputed) whose rows are broken: the load fails at the
    foreign-key check, after the files were copied; the schema, the rows and the files go."""
    import hashlib

    def dangling_membership(manifest, members):
        table = _table(manifest, "auth_user_groups")
        members[table["file"]] += b"987654,987654,987654\n"
        table["rows"] += 1
        table["sha256"] = hashlib.sha256(members[table["file"]]).hexdigest()

    broken = _rewrite(archive, dangling_membership)
    with pytest.raises(Exception, match="foreign key|violates"):
        restore_council(io.BytesIO(broken), slug="alphaford-broken", gss_code="E06000913")
    assert not Council.objects.filter(slug="alphaford-broken").exists()
    assert not schema_exists("c_alphaford_broken")
    from django_tenants.utils import schema_context

    with schema_context("c_alphaford_broken"):
        assert not storages["public"].exists("images/restore-test.png")


def test_a_restore_needs_a_free_address_and_gss_code(archive):
    with pytest.raises(Exception) as refused:
        restore_council(io.BytesIO(archive), slug="betaby")
    messages = refused.value.message_dict
    assert "already taken" in " ".join(messages["slug"])
    assert "already has a workspace" in " ".join(messages["gss_code"])


def test_command_restores_and_reports_a_bad_file(archive, tmp_path, cleanup_files):
    path = tmp_path / "a.zip"
    path.write_bytes(archive)
    cleanup_files.append("c_alphaford_cmd")
    out = io.StringIO()
    call_command(
        "restore_council",
        str(path),
        "--slug",
        "alphaford-cmd",
        "--gss-code",
        "E06000914",
        stdout=out,
    )
    assert "Restored" in out.getvalue() and schema_exists("c_alphaford_cmd")
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not a ZIP archive"):
        call_command("restore_council", str(junk), "--slug", "alphaford-junk")


def test_a_structure_only_clone_has_every_table_constraint_and_index_but_no_row():
    """What a restore starts from: the template's tables, constraints and indexes, empty."""
    from django.db import connection, transaction

    from tenants.cloning import clone_schema
    from tenants.template import template_schema

    def catalogue(schema):
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT count(*) FILTER (WHERE c.relkind = 'r'),
                          count(*) FILTER (WHERE c.relkind = 'i')
                   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = %s""",
                [schema],
            )
            relations = cursor.fetchone()
            cursor.execute(
                """SELECT count(*) FROM pg_constraint con JOIN pg_namespace n
                   ON n.oid = con.connamespace WHERE n.nspname = %s""",
                [schema],
            )
            return (*relations, cursor.fetchone()[0])

    template = template_schema()
    with transaction.atomic():
        clone_schema(template, "c_structure_only", rows=False)
        assert catalogue("c_structure_only") == catalogue(template)
        template_rows = sum(_count(template, table) for table in schema_tables(template))
        assert template_rows > 0  # the template does hold rows (home page, groups...)
        assert all(_count("c_structure_only", t) == 0 for t in schema_tables("c_structure_only"))
        transaction.set_rollback(True)
    assert not schema_exists("c_structure_only")


def _count(schema, table):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')  # noqa: S608
        return cursor.fetchone()[0]


def test_a_councils_feature_settings_go_with_its_export_and_come_back_on_restore(
    demo_a, cleanup_files
):
    """Its own settings (not its defaults) are in the manifest and restored; council B's are
    neither exported with A nor touched; the restored council answers 404 on a feature that was
    off and serves one that was on."""
    from platform_core import features

    features.set_state(demo_a.schema_name, "markets", "off")
    features.set_state(demo_a.schema_name, "funding", "on")
    features.set_state("c_betaby", "participation", "off")
    buffer = io.BytesIO()
    manifest = write_archive(demo_a, buffer).manifest
    assert manifest["features"] == {"funding": True, "markets": False}

    cleanup_files.append("c_alphaford_flags")
    restored = restore_council(
        io.BytesIO(buffer.getvalue()), slug="alphaford-flags", gss_code="E06000915"
    )
    assert features.overrides(restored.schema_name) == {"funding": True, "markets": False}
    assert features.resolve(restored.schema_name)["markets"] is False
    assert features.overrides("c_betaby") == {"participation": False}
    event = CouncilEvent.objects.get(council=restored, kind="restored")
    assert event.detail["features"] == {"funding": True, "markets": False}
    client = Client(HTTP_HOST=restored.primary_domain)
    assert client.get("/api/v1/markets/").status_code == 404
    assert client.get("/participate/").status_code != 404


def test_restore_replaces_stale_settings_left_under_the_schema_name(archive, cleanup_files):
    from platform_core import features

    features.set_state("c_alphaford_stale", "provider_portal", "off")  # left by an old council
    cleanup_files.append("c_alphaford_stale")
    restored = restore_council(io.BytesIO(archive), slug="alphaford-stale", gss_code="E06000916")
    assert features.overrides(restored.schema_name) == {}
    assert features.resolve(restored.schema_name)["provider_portal"] is True


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"teleport": True}, "There is no feature called “teleport”"),
        ({"markets": "off"}, "“markets” is 'off', not true or false"),
        (["markets"], "not a mapping"),
    ],
)
def test_bad_feature_settings_in_an_archive_are_refused(archive, settings, message):
    def change(manifest, members):
        manifest["features"] = settings

    with pytest.raises(ArchiveError) as refused:
        restore_council(io.BytesIO(_rewrite(archive, change)), slug="alphaford-bf", gss_code=None)
    assert "feature settings" in " ".join(refused.value.messages)
    assert message in " ".join(refused.value.messages)
    assert not Council.objects.filter(slug="alphaford-bf").exists()


def test_an_archive_made_before_feature_settings_were_exported_restores_without_any(
    archive, cleanup_files
):
    from platform_core import features

    def change(manifest, members):
        del manifest["features"]

    cleanup_files.append("c_alphaford_old")
    restored = restore_council(
        io.BytesIO(_rewrite(archive, change)), slug="alphaford-old", gss_code="E06000917"
    )
    assert features.overrides(restored.schema_name) == {}


# --- The console's restore job (CouncilRestore) through its task ------------------------------


def _stored_export(council, data: bytes):
    """A built export whose archive ``data`` is in the platform's private storage."""
    from django_tenants.utils import schema_context

    from tenants.models import CouncilExport

    with schema_context("public"):
        name = storages["default"].save(f"exports/{council.slug}/test.zip", ContentFile(data))
    return CouncilExport.objects.create(
        council=council,
        council_slug=council.slug,
        council_name=council.name,
        requested_by_name="test",
        status=CouncilExport.Status.DONE,
        file_name=name,
    )


def test_the_restore_task_reruns_an_interrupted_job_and_restores_once_when_delivered_twice(
    archive, demo_a, cleanup_files
):
    from django_tenants.utils import schema_context

    from tenants import tasks
    from tenants.models import CouncilRestore
    from tenants.restore import request_restore

    export = _stored_export(demo_a, archive)
    job = request_restore(
        export, None, slug="alphaford-job", gss_code="E06000931", reason="Job", enqueue=False
    )
    cleanup_files.append("c_alphaford_job")
    assert job.status == CouncilRestore.Status.PENDING
    assert tasks.restore_council_export.acks_late
    # A worker died mid-restore (its transaction rolled back, the job left "running"): the
    # task delivered again runs it from the start.
    CouncilRestore.objects.filter(pk=job.pk).update(status="running", progress=57, step="Files")
    assert tasks.restore_council_export(job.pk) == "done"
    job.refresh_from_db()
    council = Council.objects.get(slug="alphaford-job")
    assert job.council == council and job.progress == 100 and job.errors == []
    assert job.started_at and job.finished_at
    # Delivered again (acks_late: a worker lost after the restore committed): nothing happens.
    assert tasks.restore_council_export(job.pk) == "done"
    assert Council.objects.filter(slug="alphaford-job").count() == 1
    assert CouncilEvent.objects.filter(council=council, kind="restored").count() == 1
    event = CouncilEvent.objects.get(council=council, kind="restored")
    assert event.reason == "Job" and event.detail["source"] == "alphaford"
    with schema_context("public"):
        storages["default"].delete(export.file_name)


def test_a_refused_archive_fails_the_job_with_its_error_and_writes_nothing(archive, demo_a):
    from tenants import tasks
    from tenants.models import CouncilRestore
    from tenants.restore import request_restore

    export = _stored_export(demo_a, _rewrite(archive, _older_release))
    job = request_restore(export, None, slug="alphaford-old", gss_code="E06000932", enqueue=False)
    assert tasks.restore_council_export(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == CouncilRestore.Status.FAILED and job.council is None
    assert len(job.errors) == 1 and "different release" in job.errors[0]
    assert not schema_exists("c_alphaford_old")
    assert not Council.objects.filter(slug="alphaford-old").exists()
    # A failed job is final: delivered again, it is not run again.
    assert tasks.restore_council_export(job.pk) == "failed"
    from django_tenants.utils import schema_context

    with schema_context("public"):
        storages["default"].delete(export.file_name)
