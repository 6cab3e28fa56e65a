"""Metering on a real Redis: API calls and page views counted per council and flushed; the
API-calls quota answered with a 429 naming it (and not counted); an upload past the storage
quota refused with nothing written; metering failing open when Redis is down; warnings at 80%
and 100% once per month."""

import socket

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from billing import actions, metering
from billing.models import Metric, Usage

pytestmark = pytest.mark.django_db

API = "/api/v1/records/classes/"


def _pending(council, metric):
    with schema_context(council.schema_name):
        return metering.pending(metric, metering.current_period())


def _usage(council, metric):
    row = Usage.objects.filter(
        council=council, period=metering.current_period(), metric=metric
    ).first()
    return None if row is None else row.quantity


def _subscribe(council, plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.subscribe(council, plan)


def test_a_new_council_is_on_the_default_plan(council_a, council_b):
    from billing import access

    for council in (council_a, council_b):
        subscription = access.subscription_for(council)
        assert subscription is not None and subscription.plan.is_default


def test_api_calls_are_counted_per_council_and_flushed_idempotently(
    redis_cache, client_a, council_a, council_b
):
    for _ in range(3):
        assert client_a.get(API).status_code == 200
    assert _pending(council_a, Metric.API_CALLS) == 3
    assert _pending(council_b, Metric.API_CALLS) is None  # B's counter is B's own key

    period = metering.current_period()
    with schema_context(council_a.schema_name):
        assert actions.flush_council(council_a, [period])[Metric.API_CALLS] == 3
        actions.flush_council(council_a, [period])  # twice: still 3, never 6
    assert _usage(council_a, Metric.API_CALLS) == 3
    assert _usage(council_b, Metric.API_CALLS) is None


def test_api_quota_answers_429_naming_the_quota_and_does_not_count(
    redis_cache,
    client_a,
    client_b,
    council_a,
    council_b,
    tiny_plan,
    django_capture_on_commit_callbacks,
):
    _subscribe(council_a, tiny_plan, django_capture_on_commit_callbacks)
    for _ in range(3):
        assert client_a.get(API).status_code == 200
    refused = client_a.get(API)
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "quota_exceeded"
    assert "api_calls" in error["message"] and "3 API calls" in error["message"]
    assert error["fields"] == {"quota": ["api_calls"]}
    assert refused["X-Quota-Exceeded"] == "api_calls"
    assert int(refused["Retry-After"]) > 0
    assert _pending(council_a, Metric.API_CALLS) == 3  # the refused call was not counted
    # Council B, on its own plan, is not affected by A's quota.
    assert client_b.get(API).status_code == 200


def test_upload_past_the_storage_quota_is_refused_and_nothing_is_written(
    redis_cache,
    records_client_a,
    file_plan_a,
    council_a,
    tiny_plan,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    from records.conftest import upload
    from records.models import Record, RecordVersion
    from records.tests.files import make_pdf

    settings.MEDIA_ROOT = str(tmp_path)
    _subscribe(council_a, tiny_plan, django_capture_on_commit_callbacks)
    actions.record_measure(council_a, metering.current_period(), Metric.STORAGE, 45_000)
    body = {
        "title": "Minutes",
        "file_class": file_plan_a["minutes"].pk,
        "file": upload("minutes.pdf", make_pdf() + b"%" + b"x" * 10_000),
    }
    refused = records_client_a.post("/api/v1/records/records/", body)
    assert refused.status_code == 429, refused.content
    error = refused.json()["error"]
    assert error["code"] == "quota_exceeded" and error["fields"] == {"quota": ["storage"]}
    assert "storage quota" in error["message"] and "Nothing was stored" in error["message"]
    with schema_context(council_a.schema_name):
        assert not Record.objects.exists() and not RecordVersion.objects.exists()
    assert not list(tmp_path.rglob("*.pdf"))  # no file reached storage

    # A small one still fits, and counts towards storage at once.
    accepted = records_client_a.post(
        "/api/v1/records/records/",
        {
            "title": "Small",
            "file_class": file_plan_a["minutes"].pk,
            "file": upload("s.pdf", make_pdf()),
        },
    )
    assert accepted.status_code == 201, accepted.content
    assert _usage(council_a, Metric.STORAGE) > 45_000


def test_metering_fails_open_when_redis_is_down(settings, client_a, council_a):
    from django.core.cache import caches

    from billing.metrics import METER_DROPPED
    from platform_core.settings.base import redis_cache

    with socket.socket() as s:  # a port where nothing listens: Redis is down
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = redis_cache(f"redis://127.0.0.1:{port}/0")
    settings.CACHES = {"default": config, "renditions": config}
    dropped = METER_DROPPED.labels(metric="api_calls")._value.get()
    assert client_a.get(API).status_code == 200
    assert client_a.get(API).status_code == 200
    assert METER_DROPPED.labels(metric="api_calls")._value.get() == dropped + 2
    assert caches["default"].degraded
    with schema_context(council_a.schema_name):  # a flush during the outage changes nothing
        actions.flush_council(council_a, [metering.current_period()])
    assert _usage(council_a, Metric.API_CALLS) is None


def test_a_counter_redis_lost_is_lifted_back_to_the_database_total(
    redis_cache, client_a, council_a
):
    period = metering.current_period()
    actions.record_count(council_a, period, Metric.API_CALLS, 500)  # flushed before Redis lost it
    assert client_a.get(API).status_code == 200  # counts from 0 again: 1
    with schema_context(council_a.schema_name):
        actions.flush_council(council_a, [period])
        assert metering.pending(Metric.API_CALLS, period) == 500
    assert client_a.get(API).status_code == 200
    assert _pending(council_a, Metric.API_CALLS) == 501


def test_page_views_count_council_pages_not_admin_or_api(redis_cache, anon_client_a, council_a):
    assert anon_client_a.get("/").status_code == 200
    assert anon_client_a.get("/admin/login/").status_code == 200
    assert anon_client_a.get("/no-such-page/").status_code == 404
    assert _pending(council_a, Metric.PAGE_VIEWS) == 1


def test_quota_warnings_are_emailed_once_per_month_at_80_and_100_percent(council_a, tiny_plan):
    actions.subscribe(council_a, tiny_plan)
    period = metering.current_period()
    admins = ["chief@alphaford.example"]
    actions.record_count(council_a, period, Metric.PAGE_VIEWS, 850)  # 85% of 1,000
    sent = actions.check_quotas(council_a, period, admins)
    assert [(w.metric, w.threshold) for w in sent] == [("page_views", 80)]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == admins
    assert "80% of the Page views per month quota" in mail.outbox[0].subject
    assert actions.check_quotas(council_a, period, admins) == []  # once per month
    actions.record_count(council_a, period, Metric.PAGE_VIEWS, 1000)
    sent = actions.check_quotas(council_a, period, admins)
    assert [(w.metric, w.threshold) for w in sent] == [("page_views", 100)]
    assert "quota reached" in mail.outbox[1].subject
    assert "Nothing is refused" in mail.outbox[1].body
    assert len(mail.outbox) == 2
