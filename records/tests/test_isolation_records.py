"""The cross-council probe over every records endpoint, and proof that the probe can fail."""

import pytest
from django_tenants.utils import schema_context

from records.tests.isolation import seed
from tests.isolation.probe import MARKER, probe, tenant_routes

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds_a(council_a):
    with schema_context(council_a.schema_name):
        return seed(council_a)


def test_every_records_endpoint_answers_council_b_as_if_a_objects_were_missing(
    seeds_a, records_client_b
):
    routes = [r for r in tenant_routes() if r.path.startswith("/api/v1/records/")]
    report = probe(records_client_b, seeds_a, routes)
    assert report.unseeded == []
    assert report.checked == len(routes) >= 30
    assert report.failures == []


def test_council_a_sees_its_own_marker_through_the_same_urls(seeds_a, records_client_a):
    pk = seeds_a["records-record-detail"]["pk"]
    assert MARKER.encode() in records_client_a.get(f"/api/v1/records/records/{pk}/").content
    assert MARKER.encode() in records_client_a.get("/api/v1/records/open/decisions.json").content
