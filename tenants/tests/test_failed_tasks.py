"""Failed Celery tasks: recorded from Celery's task_failure signal with their council and
arguments (secrets withheld), listed and filtered in the console, retried in their council's
schema or dismissed, each action audited."""

import pytest
from django_tenants.utils import schema_context

from platform_core.celery import app
from tenants.models import FailedTask

from .consolehelpers import console_client, platform_user

pytestmark = pytest.mark.django_db

CALLS = []


@app.task(name="tenants.tests.flaky")
def flaky(record_id, *, fail=True, api_token=None):
    from platform_core.db import connection

    CALLS.append((record_id, connection.schema_name))
    if fail:
        raise RuntimeError(f"record {record_id} could not be processed")
    return record_id


@pytest.fixture
def root():
    return console_client(platform_user("root@platform.example", superuser=True))


def _fail_in(council, *args, **kwargs):
    """Run the task in the council's schema as a worker would (``throw=False``: eager mode with
    CELERY_TASK_EAGER_PROPAGATES re-raises before Celery's failure handling and its signal)."""
    with schema_context(council.schema_name):
        result = flaky.apply(args=args, kwargs=kwargs, throw=False)
    assert result.failed()


def test_a_failure_is_recorded_with_its_council_and_no_secrets(council_a):
    _fail_in(council_a, 41, api_token="s3cret-value")
    failed = FailedTask.objects.get(task_name="tenants.tests.flaky")
    assert failed.council_slug == "alphaford" and failed.schema_name == "c_alphaford"
    assert failed.exception == "RuntimeError: record 41 could not be processed"
    assert "41" in failed.args_summary and "s3cret" not in failed.args_summary
    assert "s3cret" not in str(failed.kwargs) and not failed.retryable
    assert "RuntimeError" in failed.traceback


def test_console_lists_filters_retries_in_the_council_and_dismisses(
    root, council_a, council_b, django_capture_on_commit_callbacks
):
    _fail_in(council_a, 7)
    _fail_in(council_b, 8)
    body = root.get("/console/tasks/").content.decode()
    assert "record 7 could not" in body and "record 8 could not" in body
    only_b = root.get("/console/tasks/?council=betaby").content.decode()
    assert "record 8 could not" in only_b and "record 7 could not" not in only_b
    assert root.get("/console/tasks/?status=exploded").status_code == 400

    failed_a = FailedTask.objects.get(council_slug="alphaford")
    FailedTask.objects.filter(pk=failed_a.pk).update(kwargs={"fail": False})
    CALLS.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = root.post(f"/console/tasks/{failed_a.pk}/retry/")
    assert response.status_code == 302
    assert CALLS == [(7, "c_alphaford")]
    failed_a.refresh_from_db()
    assert failed_a.status == "retried" and failed_a.handled_by == "root@platform.example"
    from platform_core.audit.models import AuditEntry

    with schema_context("c_alphaford"):
        assert AuditEntry.objects.filter(action="platform.task_retried").exists()
    again = root.post(f"/console/tasks/{failed_a.pk}/retry/", follow=True)
    assert "already sent again" in again.content.decode()

    failed_b = FailedTask.objects.get(council_slug="betaby")
    root.post(f"/console/tasks/{failed_b.pk}/dismiss/")
    failed_b.refresh_from_db()
    assert failed_b.status == "dismissed"
    with schema_context("c_betaby"):
        assert AuditEntry.objects.filter(action="platform.task_dismissed").exists()
    with schema_context("c_alphaford"):
        assert not AuditEntry.objects.filter(action="platform.task_dismissed").exists()


def test_only_staff_with_the_permission_may_retry(council_a):
    _fail_in(council_a, 9)
    failed = FailedTask.objects.get(council_slug="alphaford")
    viewer = console_client(
        platform_user("tasks-viewer@platform.example", perms=["tenants.view_failedtask"])
    )
    assert viewer.get("/console/tasks/").status_code == 200
    assert viewer.post(f"/console/tasks/{failed.pk}/retry/").status_code == 403
    failed.refresh_from_db()
    assert failed.status == "failed"
    assert viewer.post("/console/tasks/987654/dismiss/").status_code == 403


SECRET_VALUE = "s3cret-Zq81"


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((), {"password": SECRET_VALUE}),
        ((), {"Authorization": f"Bearer {SECRET_VALUE}"}),
        ((), {"client_secret": SECRET_VALUE}),
        ((), {"signing_key": SECRET_VALUE}),
        ((), {"options": {"nested": {"token": SECRET_VALUE}}}),
        ((), {"rows": [{"id": 1, "api_key": SECRET_VALUE}]}),
        (({"password": SECRET_VALUE},), {}),
        (([{"headers": {"authorization": SECRET_VALUE}}],), {}),
        ((f"Bearer {SECRET_VALUE}",), {}),
        ((f"Token {SECRET_VALUE}",), {}),
        ((f"https://user:{SECRET_VALUE}@feeds.example/data",), {}),
        ((), {"feed_url": f"redis://:{SECRET_VALUE}@127.0.0.1:6379/0"}),
    ],
    ids=lambda value: str(value)[:40],
)
def test_no_secret_reaches_the_record_at_any_depth(args, kwargs):
    """Secrets in kwargs by name, nested in dicts and lists, in positional arguments, and
    credential-looking values (authorisation headers, URLs with a password): never stored,
    never summarised, and the task is not offered for a retry (it would get the placeholder)."""
    from tenants import failures

    failed = failures.record_failure(
        task_id="t-1",
        task_name="tenants.tests.flaky",
        schema=None,
        args=list(args),
        kwargs=kwargs,
        exception=RuntimeError("boom"),
    )
    stored = f"{failed.args} {failed.kwargs} {failed.args_summary}"
    assert SECRET_VALUE not in stored
    assert failures.WITHHELD in stored
    assert not failed.retryable


def test_harmless_arguments_are_kept_and_retryable():
    from tenants import failures

    failed = failures.record_failure(
        task_id="t-2",
        task_name="tenants.tests.flaky",
        schema=None,
        args=[41, "https://feeds.example/data", {"ids": [1, 2]}],
        kwargs={"fail": True, "page": {"size": 10}},
        exception=RuntimeError("boom"),
    )
    assert failed.args == [41, "https://feeds.example/data", {"ids": [1, 2]}]
    assert failed.kwargs == {"fail": True, "page": {"size": 10}}
    assert failed.retryable


def test_credentials_quoted_in_the_exception_are_withheld():
    """A driver's error often quotes its connection URL, an HTTP client's the header it sent."""
    from tenants import failures

    try:
        raise ConnectionError(
            f"Error connecting to redis://:{SECRET_VALUE}@10.0.0.1:6379/0 "
            f"(Authorization: Bearer {SECRET_VALUE}abcdef)"
        )
    except ConnectionError as exc:
        error = exc
    failed = failures.record_failure(
        task_id="t-3",
        task_name="tenants.tests.flaky",
        schema=None,
        args=[],
        kwargs={},
        exception=error,
    )
    assert SECRET_VALUE not in failed.exception and SECRET_VALUE not in failed.traceback
    assert "redis://:[withheld]@10.0.0.1:6379/0" in failed.exception
