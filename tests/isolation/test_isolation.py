"""Council B's staff asking for council A's objects get what a request for a missing one gets."""

import pytest
from django_tenants.utils import schema_context

from tests.isolation.probe import (
    MARKER,
    discover_seeders,
    move_ids_beyond_other_councils,
    probe,
    tenant_routes,
)


@pytest.fixture
def seeds_a(council_a):
    seeds: dict = {}
    with schema_context(council_a.schema_name):
        move_ids_beyond_other_councils()
        for seed in discover_seeders():
            for key, values in seed(council_a).items():
                seeds.setdefault(key, {}).update(values)
    return seeds


@pytest.mark.django_db
def test_probe_walks_site_admin_and_api():
    paths = {route.path for route in tenant_routes()}
    assert "/admin/pages/{page_id}/edit/" in paths
    assert any(p.startswith("/api/v1/") for p in paths)


@pytest.mark.django_db
def test_council_b_staff_cannot_see_council_a_objects(seeds_a, client_b):
    report = probe(client_b, seeds_a)
    assert report.checked > 100, report
    assert report.failures == []
    # The prober stayed signed in throughout, so every answer was given to B's staff.
    assert client_b.get("/api/v1/me/").status_code == 200


@pytest.mark.django_db
def test_council_a_sees_its_own_marker(seeds_a, client_a):
    """The probe's marker is really there for A: the probe can fail."""
    page_id = seeds_a["*"]["page_id"]
    response = client_a.get(f"/admin/pages/{page_id}/edit/")
    assert response.status_code == 200
    assert MARKER.encode() in response.content


@pytest.mark.django_db
def test_council_b_session_is_not_valid_on_council_a_domain(client_b, council_a):
    response = client_b.get("/api/v1/me/", HTTP_HOST=council_a.primary_domain)
    assert response.status_code in (401, 403)
    response = client_b.get("/admin/", HTTP_HOST=council_a.primary_domain)
    assert response.status_code == 302 and "/login/" in response["Location"]
