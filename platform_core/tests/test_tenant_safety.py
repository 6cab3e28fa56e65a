"""Storage, cache and tasks each carry the council: council B never reaches council A's."""

import uuid
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.test import Client, override_settings
from django_tenants.utils import schema_context

from platform_core.storage import PrivateS3Storage


@pytest.fixture
def saved_in_a(council_a):
    """Files saved in council A's storage (``alias``: private ``default`` or ``public``),
    deleted afterwards."""
    names = []

    def save(name, content, alias="default"):
        with schema_context(council_a.schema_name):
            names.append((alias, storages[alias].save(name, ContentFile(content))))
        return names[-1][1]

    yield save
    with schema_context(council_a.schema_name):
        for alias, name in names:
            storages[alias].delete(name)


@pytest.mark.django_db
def test_filesystem_storage_puts_files_under_the_council_schema(
    council_a, council_b, saved_in_a, settings
):
    root = Path(settings.MEDIA_ROOT)
    name = saved_in_a("notes/plan.txt", b"A's plan")
    with schema_context(council_a.schema_name):
        assert default_storage.path(name).startswith(str(root / council_a.schema_name))
    with schema_context(council_b.schema_name):
        assert not default_storage.exists(name)
    assert (root / council_a.schema_name / "private" / name).read_bytes() == b"A's plan"


@pytest.mark.django_db
def test_media_is_served_only_on_the_owning_councils_domain(council_a, council_b, saved_in_a):
    name = saved_in_a("images/crest.txt", b"crest of A", alias="public")
    response = Client(HTTP_HOST=council_a.primary_domain).get(f"/media/{name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"crest of A"
    assert Client(HTTP_HOST=council_b.primary_domain).get(f"/media/{name}").status_code == 404
    traversal = f"/media/../{council_a.schema_name}/{name}"
    assert Client(HTTP_HOST=council_b.primary_domain).get(traversal).status_code == 404


@pytest.mark.django_db
def test_s3_storage_keys_carry_the_schema(council_a, council_b, moto_s3):
    bucket = f"platform-{uuid.uuid4().hex[:8]}"
    s3 = boto3.client("s3", endpoint_url=moto_s3, region_name="eu-west-2")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    storage = PrivateS3Storage(
        bucket_name=bucket, endpoint_url=moto_s3, region_name="eu-west-2", file_overwrite=False
    )
    with schema_context(council_a.schema_name):
        name = storage.save("records/decision.pdf", ContentFile(b"%PDF-1.4 A"))
        assert storage.exists(name)
        url = storage.url(name)
        assert f"/{council_a.schema_name}/private/records/decision.pdf" in url
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [f"{council_a.schema_name}/private/{name}"]
    with schema_context(council_b.schema_name):
        assert not storage.exists(name)
        with pytest.raises(FileNotFoundError):
            storage.open(name).read()


@pytest.mark.django_db
def test_cache_keys_carry_the_schema_on_every_alias(council_a, council_b, redis_url):
    caches_setting = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex[:6]}",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
        for alias in ("default", "renditions")
    }
    with override_settings(CACHES=caches_setting):
        from django.core.cache import caches

        for alias in ("default", "renditions"):
            cache = caches[alias]
            with schema_context(council_a.schema_name):
                cache.set("greeting", "hello from A")
            with schema_context(council_b.schema_name):
                assert cache.get("greeting") is None
            with schema_context(council_a.schema_name):
                assert cache.get("greeting") == "hello from A"


@pytest.mark.django_db
def test_wagtail_site_root_paths_are_cached_per_council(council_a, council_b, settings):
    """Wagtail caches site root paths under one fixed key; the key function adds the schema."""
    from django.core.cache import cache
    from wagtail.models import Site

    cache.clear()
    with schema_context(council_a.schema_name):
        assert council_a.primary_domain in Site.get_site_root_paths()[0].root_url
    with schema_context(council_b.schema_name):
        assert council_b.primary_domain in Site.get_site_root_paths()[0].root_url
    assert settings.CACHES["default"]["KEY_FUNCTION"] == "django_tenants.cache.make_key"
    assert all(
        c.get("KEY_FUNCTION") == "django_tenants.cache.make_key" for c in settings.CACHES.values()
    )


def test_storage_setting_uses_the_tenant_aware_backends():
    assert (
        storages.backends["default"]["BACKEND"] == "platform_core.storage.PrivateFileSystemStorage"
    )
    assert storages.backends["public"]["BACKEND"] == "platform_core.storage.PublicFileSystemStorage"


@pytest.mark.django_db
def test_tasks_run_in_the_schema_of_the_council_that_enqueued_them(
    council_a, council_b, redis_url, celery_worker
):
    """A real Celery worker (subprocess) with a Redis broker: tenant-schemas-celery carries the
    schema in the task headers and the worker switches to it."""
    from celery.result import allow_join_result
    from tenant_schemas_celery.app import CeleryApp

    queue = celery_worker(redis_url, result_backend=redis_url)
    # A producer app of its own (the same tenant-aware class) so the global app stays eager.
    producer = CeleryApp("probe", broker=redis_url, backend=redis_url, set_as_current=False)
    try:
        results = {}
        for council in (council_a, council_b):
            with schema_context(council.schema_name):
                results[council.slug] = producer.send_task("platform_core.ping", queue=queue)
        # Celery's "inside a task" guard is one flag for the whole process, and an eager task
        # another thread of this process runs (a browser test's live server, for one) sets it while
        # it runs: this test is not inside a task, so it says so.
        with allow_join_result():
            answers = {slug: r.get(timeout=60) for slug, r in results.items()}
    finally:
        output = celery_worker.output()
    assert answers[council_a.slug]["schema"] == council_a.schema_name, output
    assert answers[council_b.slug]["schema"] == council_b.schema_name, output
