"""The platform-owned metric catalogue (issue 8 item 4): platform staff define metrics, councils
publish values only; context metrics are platform data; a suspended council's keys are refused
(item 14)."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from intelligence.benchmarking.actions import (
    ContextValue,
    PublishedValue,
    issue_api_key,
    publish_values,
    save_catalogue_metric,
    save_context_values,
)
from intelligence.benchmarking.models import NearestNeighbour, PoolMetric, PoolValue
from platform_core.errors import Refused
from tenants.tests.consolehelpers import second_factor

BASE = "/api/v1/benchmarks/metrics/"
CATALOGUE_API = "/platform/api/v1/catalogue/metrics/"


def definition(metric_id):
    return PoolMetric.objects.filter(metric_id=metric_id).values(
        "title", "unit", "polarity", "kind", "source", "is_context", "precision"
    )[0]


def test_publishing_never_changes_a_catalogue_definition(catalogue, council_a, council_b):
    before = definition("recycling-rate")
    publish_values(council_a, [PublishedValue("recycling-rate", "2024-25", 41.5, 415, 1000)])
    publish_values(council_b, [PublishedValue("recycling-rate", "2024-25", 55.0, 550, 1000)])
    assert definition("recycling-rate") == before
    assert PoolValue.objects.filter(metric__metric_id="recycling-rate").count() == 2


def test_a_council_cannot_publish_a_metric_outside_the_catalogue(catalogue, council_a):
    with pytest.raises(ValidationError) as raised:
        publish_values(council_a, [PublishedValue("made-up", "2024-25", 1.0)])
    assert "not in the metric catalogue: made-up" in str(raised.value)
    assert not PoolMetric.objects.filter(metric_id="made-up").exists()
    assert not PoolValue.objects.exists()


def test_context_metrics_are_platform_data_not_council_publishable(small_pool, council_a):
    with pytest.raises(ValidationError, match="context metrics are platform data"):
        publish_values(council_a, [PublishedValue("ctx-population", "2024-25", 10.0)])
    assert not PoolValue.objects.filter(member__gss_code=council_a.gss_code).exists()


def test_the_pool_applies_disclosure_control_whoever_builds_the_publication(catalogue, council_a):
    publish_values(council_a, [PublishedValue("homeless-households", "2024-25", 7.0)])
    cell = PoolValue.objects.get(metric__metric_id="homeless-households")
    assert cell.suppressed and cell.value is None


def test_a_suspended_council_cannot_publish(catalogue, council_a):
    from tenants.models import Council

    Council.objects.filter(pk=council_a.pk).update(status=Council.Status.SUSPENDED)
    council_a.refresh_from_db()
    with pytest.raises(Refused):
        publish_values(council_a, [PublishedValue("recycling-rate", "2024-25", 41.5, 415, 1000)])


def test_a_suspended_councils_api_keys_are_refused(api, council_a, publish_a):
    from tenants.actions import reactivate_council, suspend_council

    publish_a(embargo_until=date.today() + timedelta(days=5))
    _, key = issue_api_key(name="A staff", council=council_a)
    _, researcher = issue_api_key(name="Researcher")
    url = f"{BASE}recycling-rate/values/?period=2024-25"
    assert api.get(url, HTTP_X_API_KEY=key).json()["count"] == 1
    suspend_council(council_a, reason="test")
    refused = api.get(url, HTTP_X_API_KEY=key)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "authentication_failed"
    assert api.get(url, HTTP_AUTHORIZATION=f"Api-Key {key}").status_code == 401
    assert api.get(url, HTTP_X_API_KEY=researcher).status_code == 200  # keys of no council work
    council_a.refresh_from_db()
    reactivate_council(council_a)
    assert api.get(url, HTTP_X_API_KEY=key).status_code == 200


def test_changing_context_data_recomputes_neighbours_after_commit(
    small_pool, council_a, catalogue, publish_a, django_capture_on_commit_callbacks
):
    publish_a()
    assert not NearestNeighbour.objects.filter(member__gss_code=council_a.gss_code).exists()
    values = [
        ContextValue(council_a.gss_code, metric_id, "2024-25", value)
        for metric_id, value in (
            ("ctx-population", 300_000),
            ("ctx-density", 10),
            ("ctx-over-65", 20),
            ("ctx-imd-score", 20),
            ("ctx-tax-base", 400),
        )
    ]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        save_context_values(values, source="ONS")
    assert not NearestNeighbour.objects.filter(member__gss_code=council_a.gss_code).exists()
    for callback in callbacks:  # the task, after the commit (eager in tests)
        callback()
    assert NearestNeighbour.objects.filter(member__gss_code=council_a.gss_code).count() == 15


def test_context_values_need_a_context_metric_and_a_pool_member(small_pool, catalogue):
    with pytest.raises(ValidationError) as raised:
        save_context_values(
            [
                ContextValue("E06999999", "ctx-population", "2024-25", 1.0),
                ContextValue("E06900001", "recycling-rate", "2024-25", 1.0),
            ]
        )
    messages = " ".join(raised.value.messages)
    assert "E06999999 is not in the pool" in messages
    assert "recycling-rate is not a context metric" in messages


def test_catalogue_ids_and_fields_are_validated(db):
    with pytest.raises(ValidationError) as raised:
        save_catalogue_metric(metric_id="Bad Id", title="x", kind="volume", precision=9)
    assert set(raised.value.message_dict) >= {"metric_id", "kind", "precision"}


@pytest.fixture
def catalogue_admin(platform_staff_client):
    platform_staff_client.user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="benchmarking", codename__endswith="poolmetric"
        )
    )
    return platform_staff_client


def test_platform_staff_define_catalogue_metrics_through_the_platform_api(catalogue_admin, api):
    created = catalogue_admin.post(
        CATALOGUE_API,
        {
            "metric_id": "fly-tipping",
            "title": "Fly-tipping incidents per 1,000 people",
            "kind": "rate",
            "polarity": "lower",
            "unit": "per 1,000",
            "precision": 2,
            "lginform_id": "11736",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert catalogue_admin.get(f"{CATALOGUE_API}fly-tipping/").json()["lginform_id"] == "11736"
    changed = catalogue_admin.patch(
        f"{CATALOGUE_API}fly-tipping/", {"title": "Fly-tipping"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["title"] == "Fly-tipping"
    listed = {m["metric_id"]: m for m in api.get(BASE).json()["results"]}
    assert (
        listed["fly-tipping"]["precision"] == 2 and listed["fly-tipping"]["councils_reporting"] == 0
    )
    again = catalogue_admin.post(
        CATALOGUE_API, {"metric_id": "fly-tipping", "title": "x", "kind": "rate"}, format="json"
    )
    assert again.status_code == 400 and "metric_id" in again.json()["error"]["fields"]
    bad = catalogue_admin.patch(f"{CATALOGUE_API}fly-tipping/", {"kind": "volume"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()["error"]["fields"]
    assert catalogue_admin.delete(f"{CATALOGUE_API}fly-tipping/").status_code == 204


def test_a_published_catalogue_metric_cannot_be_deleted(catalogue_admin, published_a):
    response = catalogue_admin.delete(f"{CATALOGUE_API}recycling-rate/")
    assert response.status_code == 409
    assert PoolMetric.objects.filter(metric_id="recycling-rate").exists()


def test_the_catalogue_api_needs_platform_staff_with_permissions(
    platform_staff_client, api, client_a, catalogue
):
    assert api.get(CATALOGUE_API).status_code in (401, 403)
    assert platform_staff_client.get(CATALOGUE_API).status_code == 403  # staff without permission
    assert (
        platform_staff_client.post(
            CATALOGUE_API, {"metric_id": "x", "title": "x", "kind": "count"}, format="json"
        ).status_code
        == 403
    )
    assert client_a.get(CATALOGUE_API).status_code == 404  # not served on council domains


def test_platform_staff_edit_the_catalogue_in_the_console(platform_host, catalogue):
    from django.contrib.auth import get_user_model
    from django.test import Client

    admin_user = get_user_model().objects.create_superuser("root@platform.example", password=None)
    console = Client(HTTP_HOST=platform_host)
    console.force_login(admin_user)
    second_factor(console, admin_user)
    metric = catalogue["recycling-rate"]
    listing = console.get("/console/benchmarking/poolmetric/")
    assert listing.status_code == 200 and b"recycling-rate" in listing.content
    page = console.get(f"/console/benchmarking/poolmetric/{metric.pk}/change/")
    assert page.status_code == 200
    response = console.post(
        f"/console/benchmarking/poolmetric/{metric.pk}/change/",
        {
            "title": "Recycling rate",
            "description": "",
            "unit": "%",
            "polarity": "higher",
            "kind": "percentage",
            "precision": "1",
            "source": "DEFRA",
            "lginform_id": "NI192",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    metric.refresh_from_db()
    assert (metric.title, metric.lginform_id) == ("Recycling rate", "NI192")
    added = console.post(
        "/console/benchmarking/poolmetric/add/",
        {
            "metric_id": "street-lights-out",
            "title": "Street lights out",
            "description": "",
            "unit": "",
            "polarity": "lower",
            "kind": "count",
            "precision": "0",
            "source": "",
            "lginform_id": "",
        },
    )
    assert added.status_code == 302
    assert PoolMetric.objects.filter(metric_id="street-lights-out").exists()
