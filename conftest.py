"""Shared fixtures: two provisioned councils (A and B), clients signed in as each council's staff.

The councils are provisioned once per test session by the template clone, and committed, so
every test (and the in-process live server for browser tests) sees them. Tests run inside a
transaction that is rolled back, so what a test writes never reaches the next one.
"""

import pytest
from django.test import Client
from django_tenants.utils import schema_context

COUNCIL_A = {
    "name": "Alphaford Council",
    "slug": "alphaford",
    "gss_code": "E06000901",
    "tier": "unitary",
    "region": "north-west",
}
COUNCIL_B = {
    "name": "Betaby Council",
    "slug": "betaby",
    "gss_code": "E06000902",
    "tier": "unitary",
    "region": "south-east",
}


# pytest-timeout's limit (pyproject.toml, 300 s) counts a test's fixture set-up. The test that
# first needs a session fixture (the test database with its template and two councils, a browser
# site, Chromium) pays for building it, which on a loaded machine, or with two xdist workers
# building theirs at once, can take longer than any test should. That one test gets
# SESSION_SETUP_TIMEOUT instead; every other test keeps the normal limit, so a hung test still
# fails fast.
SESSION_SETUP_TIMEOUT = 1500
_session_fixtures_built: set[str] = set()


def _session_fixtures(item) -> set[str]:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return set()
    return {
        name for name, defs in info.name2fixturedefs.items() if defs and defs[-1].scope == "session"
    }


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    needed = _session_fixtures(item)
    if needed - _session_fixtures_built:
        item.add_marker(pytest.mark.timeout(SESSION_SETUP_TIMEOUT))
    yield
    _session_fixtures_built.update(needed)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from tenants.actions import ensure_platform_tenant, provision_council
    from tenants.models import Council
    from tenants.template import build_template

    with django_db_blocker.unblock():
        ensure_platform_tenant()
        build_template()
        for spec in (COUNCIL_A, COUNCIL_B):
            if not Council.objects.filter(slug=spec["slug"]).exists():
                provision_council(**spec, admin_email=f"admin@{spec['slug']}.example", notify=False)


@pytest.fixture
def council_a(db):
    from tenants.models import Council

    return Council.objects.get(slug=COUNCIL_A["slug"])


@pytest.fixture
def council_b(db):
    from tenants.models import Council

    return Council.objects.get(slug=COUNCIL_B["slug"])


@pytest.fixture
def platform_host():
    from django.conf import settings

    return settings.PLATFORM_DOMAIN


def _staff_client(council, groups=("Council administrators",), username=None):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    username = username or f"staff@{council.slug}.example"
    with schema_context(council.schema_name):
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"email": username, "is_staff": True}
        )
        user.groups.set(Group.objects.filter(name__in=groups))
        client = Client(HTTP_HOST=council.primary_domain)
        client.force_login(user)
    client.user = user
    client.council = council
    return client


@pytest.fixture
def staff_client_factory(db):
    """``staff_client_factory(council, groups=(...))`` → a client signed in on that council's domain."""
    return _staff_client


@pytest.fixture
def client_a(council_a):
    return _staff_client(council_a)


@pytest.fixture
def client_b(council_b):
    return _staff_client(council_b)


@pytest.fixture
def anon_client_a(council_a):
    return Client(HTTP_HOST=council_a.primary_domain)


@pytest.fixture
def platform_staff_client(db, platform_host):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    user = get_user_model().objects.create_user(
        "operator@platform.example", is_staff=True, password=None
    )
    # The platform API asks for model permissions, not just is_staff: an onboarding operator.
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="tenants",
            codename__in=["view_council", "add_council", "change_council"],
        )
    )
    token = Token.objects.create(user=user)
    client = APIClient(HTTP_HOST=platform_host)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.user = user
    return client


@pytest.fixture
def shared_redis(settings):
    """Both caches on a real Redis (TEST_REDIS_URL), as production configures them: shared by
    every process (funding's precomputed rankings, council deletion's clean-up)."""
    import os

    import redis

    from platform_core.settings.base import redis_cache as redis_config

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not reachable at {url} (TEST_REDIS_URL)")
    settings.CACHES = {"default": redis_config(url), "renditions": redis_config(url)}
    yield url


@pytest.fixture
def in_council():
    """``with in_council(council): ...`` runs ORM code in that council's schema."""
    return lambda council: schema_context(council.schema_name)


@pytest.fixture(autouse=True)
def _public_schema_between_tests():
    """A request through the test client leaves the connection on that council's schema; every
    test starts (and ends) on the public schema so nothing depends on the order tests run in."""
    from django.db import connection

    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()
    # A feature switched in the test's (rolled back) transaction must not stay in the cache.
    from platform_core import features

    features.forget_uncommitted()


@pytest.fixture(autouse=True)
def _celery_join_allowed():
    """Every test starts outside any Celery task. Celery keeps "inside a task, never wait for a
    result" as ONE process-wide flag, set around each eager task and put back afterwards; two
    threads running eager tasks at once (the live server of the browser tests answering two
    requests) can put it back in the wrong order and leave it set for good, and later tests'
    ``result.get()`` then raised "Never call result.get() within a task!" (CI, test_welcome)."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
    yield


def worker_database_url() -> str:
    """The URL of the database this test session uses, for another process (a worker)."""
    from urllib.parse import quote

    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    host = quote(db.get("HOST") or "127.0.0.1", safe="")  # a socket directory when embedded
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{connection.settings_dict['NAME']}"


@pytest.fixture
def celery_worker():
    """``queue = celery_worker(broker_url, result_backend=None)``: a real Celery worker
    (``celery -A platform_core worker``, solo pool) in a subprocess on the test database,
    consuming a queue of its own, so parallel test runs on one Redis never take each other's
    tasks. Stopped at the end of the test; ``worker.output()`` gives what it printed."""
    import os
    import subprocess
    import sys
    import uuid
    from pathlib import Path

    from django.conf import settings

    processes = []

    def start(broker_url: str, result_backend: str | None = None) -> str:
        queue = f"test-{uuid.uuid4().hex[:8]}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "platform_core.settings.test",
            "DATABASE_URL": worker_database_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "CELERY_BROKER_URL": broker_url,
        }
        if result_backend:
            env["CELERY_RESULT_BACKEND"] = result_backend
        celery = Path(sys.executable).parent / "celery"
        processes.append(
            subprocess.Popen(  # noqa: S603 - our own virtualenv's celery
                [
                    str(celery),
                    "-A",
                    "platform_core",
                    "worker",
                    "--pool=solo",
                    "-Q",
                    queue,
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=WARNING",
                ],
                env=env,
                cwd=settings.BASE_DIR,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
        )
        return queue

    def output() -> str:
        """Stop the workers and return what they printed (for assertion messages)."""
        stop()
        return "".join((p.stdout.read() or b"").decode() for p in processes if p.stdout)

    def stop():
        for process in processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    start.output = output
    yield start
    stop()
