"""Deleting a council after a grace period: suspended and exported at once, cancellable, then
deleted by the beat task (schema, domain, files, cache gone; export and history kept), and
restorable under the same address afterwards. The console's confirmation needs the slug typed."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from tenants import actions, lifecycle
from tenants.export import open_export, walk_storage
from tenants.models import Council, CouncilEvent, CouncilExport, Domain
from tenants.restore import restore_council
from tenants.tasks import delete_due_councils

from .consolehelpers import console_client, platform_user

pytestmark = pytest.mark.django_db

GAMMA = {
    "name": "Gammaton Council",
    "slug": "gammaton",
    "gss_code": "E06000903",
    "tier": "unitary",
    "region": "wales",
}


@pytest.fixture
def gammaton():
    council = actions.provision_council(
        **GAMMA, admin_email="chief@gammaton.example", notify=False
    ).council
    yield council
    lifecycle.delete_files(council.schema_name)


@pytest.fixture
def root():
    return console_client(platform_user("root@platform.example", superuser=True))


def test_schedule_suspends_exports_then_the_task_deletes_everything_but_the_export(
    gammaton, root, django_capture_on_commit_callbacks, settings
):
    with schema_context(gammaton.schema_name):
        storages["default"].save("records/kept.txt", ContentFile(b"gamma record"))
        cache.set("page", "cached page of gammaton")
    cache.get(f"console:figures:{gammaton.schema_name}")
    page = root.get("/console/councils/gammaton/delete/")
    assert page.status_code == 200 and "Type gammaton to confirm" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = root.post(
            "/console/councils/gammaton/delete/",
            {"delete-confirm": "gammaton", "delete-reason": "Contract ended"},
        )
    assert response.status_code == 302
    gammaton.refresh_from_db()
    assert gammaton.status == Council.Status.SUSPENDED
    due = gammaton.deletion_due_at - timezone.now()
    assert timedelta(days=29, hours=23) < due <= timedelta(days=30)
    export = CouncilExport.objects.get(council=gammaton, purpose="deletion")
    assert export.status == CouncilExport.Status.DONE, export.error
    assert Client(HTTP_HOST=gammaton.primary_domain).get("/").status_code == 503
    body = root.get("/console/councils/gammaton/").content.decode()
    assert "To be deleted on" in body and "Cancel deletion" in body
    # Not yet due: the task leaves it alone.
    assert delete_due_councils() == {"deleted": [], "waiting": []}
    assert schema_exists(gammaton.schema_name)

    Council.objects.filter(pk=gammaton.pk).update(
        deletion_due_at=timezone.now() - timedelta(minutes=1)
    )
    assert delete_due_councils() == {"deleted": ["gammaton"], "waiting": []}
    assert not schema_exists("c_gammaton")
    assert not Council.objects.filter(slug="gammaton").exists()
    assert not Domain.objects.filter(domain__startswith="gammaton.").exists()
    with schema_context("c_gammaton"):
        assert not list(walk_storage(storages["default"]))
        assert cache.get("page") is None
    assert Client(HTTP_HOST="gammaton.localhost").get("/").status_code == 404
    kinds = list(
        CouncilEvent.objects.filter(council_slug="gammaton").values_list("kind", flat=True)
    )
    assert kinds[:3] == ["deleted", "exported", "deletion-scheduled"]
    export.refresh_from_db()
    assert export.council is None and export.status == CouncilExport.Status.DONE
    assert root.get(f"/console/exports/{export.pk}/download/").status_code == 200

    # The same address again, from the export kept.
    with open_export(export) as archive:
        again = restore_council(archive, slug="gammaton", actor="test")
    with schema_context(again.schema_name):
        assert storages["default"].open("records/kept.txt").read() == b"gamma record"
    assert Client(HTTP_HOST=again.primary_domain).get("/").status_code == 200


def test_deletion_waits_for_its_export(gammaton):
    export = lifecycle.schedule_deletion(gammaton, actor="test", reason="Leaving")
    CouncilExport.objects.filter(pk=export.pk).update(status=CouncilExport.Status.RUNNING)
    Council.objects.filter(pk=gammaton.pk).update(deletion_due_at=timezone.now())
    assert delete_due_councils() == {"deleted": [], "waiting": ["gammaton"]}
    assert schema_exists("c_gammaton")


def test_cancel_during_the_grace_period(gammaton, root):
    lifecycle.schedule_deletion(gammaton, actor="test")
    gammaton.refresh_from_db()
    refused = root.post("/console/councils/gammaton/reactivate/", {})
    assert refused.status_code == 400 and "cancel the deletion first" in refused.content.decode()
    response = root.post(
        "/console/councils/gammaton/cancel-deletion/", {"cancel-reason": "Renewed"}
    )
    assert response.status_code == 302
    gammaton.refresh_from_db()
    assert gammaton.deletion_due_at is None and gammaton.status == Council.Status.SUSPENDED
    event = CouncilEvent.objects.filter(council=gammaton).first()
    assert event.kind == "deletion-cancelled" and event.reason == "Renewed"
    Council.objects.filter(pk=gammaton.pk).update(deletion_due_at=None)
    assert delete_due_councils() == {"deleted": [], "waiting": []}
    assert schema_exists("c_gammaton")


def test_confirmation_needs_the_slug_and_a_reason_and_the_permission(gammaton, root):
    wrong = root.post(
        "/console/councils/gammaton/delete/",
        {"delete-confirm": "alphaford", "delete-reason": "Oops"},
    )
    assert wrong.status_code == 400
    assert "type gammaton exactly" in wrong.content.decode()
    empty = root.post("/console/councils/gammaton/delete/", {})
    assert empty.status_code == 400 and "Enter the reason" in empty.content.decode()
    viewer = console_client(
        platform_user(
            "changer@platform.example", perms=["tenants.view_council", "tenants.change_council"]
        )
    )
    assert viewer.get("/console/councils/gammaton/delete/").status_code == 403
    assert (
        viewer.post(
            "/console/councils/gammaton/delete/",
            {"delete-confirm": "gammaton", "delete-reason": "x"},
        ).status_code
        == 403
    )
    gammaton.refresh_from_db()
    assert gammaton.deletion_due_at is None and gammaton.status == Council.Status.ACTIVE
    assert not CouncilExport.objects.filter(council=gammaton).exists()


def test_another_councils_schema_files_and_cache_are_untouched(gammaton, council_b):
    with schema_context(council_b.schema_name):
        cache.set("page", "B's page")
        kept = storages["default"].save("records/b-kept.txt", ContentFile(b"B"))
    try:
        with schema_context(gammaton.schema_name):
            cache.set("page", "G's page")
        lifecycle.clear_cache(gammaton.schema_name)
        lifecycle.delete_files(gammaton.schema_name)
        with schema_context(council_b.schema_name):
            assert cache.get("page") == "B's page"
            assert storages["default"].exists(kept)
    finally:
        with schema_context(council_b.schema_name):
            storages["default"].delete(kept)


@pytest.mark.parametrize(
    "deleted, neighbour",
    [("gammaton", "gammaton-east"), ("gammaton-east", "gammaton"), ("gam", "gam-a")],
)
def test_clearing_a_councils_redis_cache_spares_a_council_whose_slug_it_prefixes(
    shared_redis, deleted, neighbour
):
    """The SCAN pattern is the schema followed by the key's separator: deleting c_gammaton's
    entries must not take c_gammaton_east's (nor the other way round)."""
    from django.core.cache import caches as redis_caches

    gone, kept = Council.schema_name_for(deleted), Council.schema_name_for(neighbour)
    for schema in (gone, kept):
        lifecycle.clear_cache(schema)  # nothing left from an earlier run
    for schema in (gone, kept):  # both caches share one Redis database and key function
        with schema_context(schema):
            redis_caches["default"].set("page", f"{schema}'s page")
            redis_caches["default"].set(f"{kept}:lookalike", "x")
    try:
        removed = lifecycle.clear_cache(gone)
        assert removed == 2  # the deleted council's two keys, nothing else
        for alias in ("default", "renditions"):
            with schema_context(gone):
                assert redis_caches[alias].get("page") is None
            with schema_context(kept):
                assert redis_caches[alias].get("page") == f"{kept}'s page"
                assert redis_caches[alias].get(f"{kept}:lookalike") == "x"
    finally:
        lifecycle.clear_cache(kept)
