"""The event catalogue on the platform domain."""

import pytest
import yaml
from django.test import Client

pytestmark = pytest.mark.django_db

BASE = "/api/v1/events/catalogue/"


def test_the_catalogue_lists_every_type_with_its_versioned_schema(platform_host):
    import jsonschema

    body = Client(HTTP_HOST=platform_host).get(BASE).json()
    assert body["specversion"] == "1.0" and body["count"] == len(body["results"])
    destroyed = next(t for t in body["results"] if t["type"] == "records.record.destroyed")
    assert destroyed["version"] == 1
    assert destroyed["dataschema"] == "urn:council-platform:events:records.record.destroyed:v1"
    jsonschema.Draft202012Validator.check_schema(destroyed["schema"])
    jsonschema.Draft202012Validator.check_schema(body["envelope"])


def test_the_catalogue_is_read_only_and_in_the_platform_schema(platform_host):
    client = Client(HTTP_HOST=platform_host)
    assert client.post(BASE, {}, content_type="application/json").status_code == 405
    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]
    assert BASE in paths


def test_council_domains_do_not_serve_it_and_it_carries_no_council_data(
    council_a, anon_client_a, client_b, platform_host, django_capture_on_commit_callbacks
):
    """Event shapes only: a council's emitted events never appear, on any domain."""
    from django_tenants.utils import schema_context

    from platform_core.events import emit

    from .conftest import event_data

    with schema_context(council_a.schema_name), django_capture_on_commit_callbacks():
        emit(
            "records.record.destroyed",
            subject="records/record/ISOLATION-MARK",
            data=event_data(reason="ISOLATION-MARK"),
        )
    assert anon_client_a.get(BASE).status_code == 404
    assert client_b.get(BASE).status_code == 404
    body = Client(HTTP_HOST=platform_host).get(BASE).content.decode()
    assert "ISOLATION-MARK" not in body and council_a.schema_name not in body


def test_the_catalogue_page_lists_every_type_and_version(platform_host, council_a, anon_client_a):
    from platform_core.events import catalogue

    response = Client(HTTP_HOST=platform_host).get("/events/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "Event catalogue" in page
    for t in catalogue():
        assert f'id="{t.type.replace(".", "-")}-v{t.version}"' in page, t.type
        assert t.dataschema in page
    council_part, platform_part = page.split('id="platform-events"', 1)
    assert "tenants.council.suspended" in platform_part and "benchmarking.pool.published" in (
        platform_part
    )
    assert "tenants.council.suspended" not in council_part.split('id="council-events"', 1)[1]
    assert "commissioning.bid.decided" in council_part
    assert "Platform staff endpoints only (platform event)" in platform_part
    # Council domains do not serve it (their /events/ is the council site's own page, if any).
    assert "tenants.council.suspended" not in anon_client_a.get("/events/").content.decode()
