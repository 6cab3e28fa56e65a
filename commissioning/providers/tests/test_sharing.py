"""Sharing directory entries with neighbouring councils: council A shares a service (or an
organisation's services) with council B or B's region; B sees it read-only in its
/openreferral/services and admin with A named as its owner, never A's unshared services, and
cannot change it; council C (not a neighbour, another region) sees nothing. Changes in A reach
the public copy after commit; unsharing removes it from B."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from commissioning.directoryshare.models import DirectoryShare, SharedService
from commissioning.providers import sharing
from commissioning.providers.demo import seed_demo
from commissioning.providers.models import Organization, Service
from commissioning.providers.tests.test_openreferral_api import (
    DETAIL_SCHEMAS,
    assert_valid,
    assert_valid_page,
)
from platform_core.errors import Refused
from tenants.actions import provision_council

pytestmark = pytest.mark.django_db

COUNCIL_C = {
    "name": "Gammaton Council",
    "slug": "gammaton",
    "gss_code": "E06000903",
    "tier": "unitary",
    "region": "london",
}


@pytest.fixture
def council_c(db):
    return provision_council(
        **COUNCIL_C, admin_email="chief@gammaton.example", notify=False
    ).council


@pytest.fixture
def directory_a(council_a):
    with schema_context(council_a.schema_name):
        seed_demo(council_a)
        shared = Service.objects.order_by("name").first()
        unshared = (
            Service.objects.exclude(organization=shared.organization).order_by("name").first()
        )
    return council_a, shared, unshared


def _oruk(council):
    return Client(HTTP_HOST=council.primary_domain)


def _listed(council, **params) -> list[str]:
    response = _oruk(council).get("/openreferral/services", {"per_page": 500, **params})
    assert response.status_code == 200
    assert_valid_page(response.json(), "services")
    return [item["id"] for item in response.json()["contents"]]


def test_b_sees_a_shared_service_read_only_and_never_the_unshared_ones(
    directory_a, council_b, council_c
):
    council_a, shared, unshared = directory_a
    with schema_context(council_a.schema_name):
        sharing.share("test", kind="service", entry_id=shared.pk, councils=[council_b])
    assert _listed(council_b) == [str(shared.pk)]
    detail = _oruk(council_b).get(f"/openreferral/services/{shared.pk}")
    assert detail.status_code == 200
    assert_valid(detail.json(), DETAIL_SCHEMAS["services"])
    assert detail.json()["name"] == shared.name
    assert _oruk(council_b).get(f"/openreferral/services/{unshared.pk}").status_code == 404
    # C is not a neighbour: nothing
    assert _listed(council_c) == []
    assert _oruk(council_c).get(f"/openreferral/services/{shared.pk}").status_code == 404
    # A's own list is unchanged by sharing (its own services, once)
    own = _listed(council_a)
    assert len(own) == len(set(own)) and str(shared.pk) in own


def test_b_lists_its_own_services_first_then_shared_ones_with_paging(directory_a, council_b):
    council_a, shared, _ = directory_a
    with schema_context(council_b.schema_name):
        seed_demo(council_b)  # the demo's ids are the same in every council
        own_count = Service.objects.count()
    with schema_context(council_a.schema_name):
        sharing.share("test", kind="service", entry_id=shared.pk, councils=[council_b])
    # B's own service with the same id wins: the copy is not listed twice
    listed = _listed(council_b)
    assert len(listed) == own_count == len(set(listed))
    with schema_context(council_b.schema_name):
        Service.objects.filter(pk=shared.pk).delete()
        own_count -= 1
    response = _oruk(council_b).get("/openreferral/services", {"per_page": own_count})
    data = response.json()
    assert data["total_items"] == own_count + 1 and data["total_pages"] == 2
    assert str(shared.pk) not in [s["id"] for s in data["contents"]]
    last = _oruk(council_b).get("/openreferral/services", {"per_page": own_count, "page": 2})
    assert [s["id"] for s in last.json()["contents"]] == [str(shared.pk)]
    assert last.json()["last_page"] is True


def test_filters_apply_to_shared_services(directory_a, council_b):
    council_a, shared, _ = directory_a
    with schema_context(council_a.schema_name):
        sharing.share("test", kind="service", entry_id=shared.pk, councils=[council_b])
        term_id = shared.service_terms.first().term_id
    assert _listed(council_b, text=shared.name[:6]) == [str(shared.pk)]
    assert _listed(council_b, text="no such words anywhere") == []
    assert _listed(council_b, taxonomy_term_id=str(term_id)) == [str(shared.pk)]
    bad = _oruk(council_b).get("/openreferral/services", {"taxonomy_term_id": "x"})
    assert bad.status_code == 400


def test_a_region_share_reaches_every_council_in_the_region_only(directory_a, council_b, council_c):
    council_a, shared, _ = directory_a
    with schema_context(council_a.schema_name):
        sharing.share("test", kind="service", entry_id=shared.pk, regions=[council_b.region])
    assert _listed(council_b) == [str(shared.pk)]
    assert _listed(council_c) == []


def test_an_organisation_share_follows_its_services_after_commit(
    directory_a, council_b, django_capture_on_commit_callbacks
):
    council_a, shared, _ = directory_a
    # A transaction queues one refresh per council, run at its commit. The test's transaction
    # never commits: each block below stands for one committed transaction (its callbacks run,
    # then are dropped, as a commit would); the fixture's queued refresh is dropped first.
    from contextlib import contextmanager

    from django.db import connection

    @contextmanager
    def committed():
        connection.run_on_commit.clear()
        with django_capture_on_commit_callbacks(execute=True):
            yield
        connection.run_on_commit.clear()

    with schema_context(council_a.schema_name):
        org = shared.organization
        ids = {str(pk) for pk in org.services.values_list("id", flat=True)}
        sharing.share("test", kind="organization", entry_id=org.pk, councils=[council_b])
    assert set(_listed(council_b)) == ids
    with schema_context(council_a.schema_name):
        with committed():
            new = Service.objects.create(
                organization=org, name="Brand new service", description="x"
            )
        with committed():
            Service.objects.filter(pk=shared.pk).update(name="unused")  # no signal: not a save
            renamed = Service.objects.get(pk=shared.pk)
            renamed.name = "Renamed in A"
            renamed.save()
    assert set(_listed(council_b)) == ids | {str(new.pk)}
    detail = _oruk(council_b).get(f"/openreferral/services/{shared.pk}").json()
    assert detail["name"] == "Renamed in A"
    with schema_context(council_a.schema_name):
        with committed():
            new.delete()
    assert str(new.pk) not in _listed(council_b)


def test_unsharing_removes_it_from_neighbours(directory_a, council_b):
    council_a, shared, _ = directory_a
    with schema_context(council_a.schema_name):
        item = sharing.share("test", kind="service", entry_id=shared.pk, councils=[council_b])
        sharing.unshare("test", item.pk)
    assert _listed(council_b) == []
    assert not SharedService.objects.exists() and not DirectoryShare.objects.exists()


def test_sharing_refuses_nothing_to_share_and_no_audience(directory_a, council_b):
    council_a, shared, _ = directory_a
    with schema_context(council_a.schema_name):
        with pytest.raises(Refused, match="at least one"):
            sharing.share("test", kind="service", entry_id=shared.pk)
        with pytest.raises(Refused, match="no service"):
            sharing.share(
                "test",
                kind="service",
                entry_id="00000000-0000-4000-8000-000000000000",
                councils=[council_b],
            )
    # B cannot share A's service: it is not in B's directory
    with schema_context(council_b.schema_name), pytest.raises(Refused, match="no service"):
        sharing.share("test", kind="service", entry_id=shared.pk, councils=[council_b])


def test_b_admin_shows_it_read_only_with_its_owner_and_cannot_change_it(
    directory_a, council_b, client_b
):
    council_a, shared, _ = directory_a
    with schema_context(council_a.schema_name):
        item = sharing.share("test", kind="service", entry_id=shared.pk, councils=[council_b])
    listing = client_b.get("/admin/directory/shared/").content.decode()
    assert shared.name in listing and council_a.name in listing
    copy = SharedService.objects.get()
    page = client_b.get(f"/admin/directory/shared/{copy.pk}/")
    assert page.status_code == 200
    assert f"Owned by <strong>{council_a.name}</strong>" in page.content.decode()
    assert client_b.post(f"/admin/directory/shared/{copy.pk}/").status_code == 405
    # A's service is not in B's schema: every edit route answers as for a missing object
    edit = f"/admin/snippets/providers/service/edit/{shared.pk}/"
    assert client_b.get(edit).status_code == 404
    assert client_b.post(edit, {"name": "Hijacked"}).status_code == 404
    # nor can B stop A's share
    assert client_b.post(f"/admin/directory/shares/{item.pk}/unshare/").status_code == 404
    with schema_context(council_a.schema_name):
        assert Service.objects.get(pk=shared.pk).name == shared.name
    assert DirectoryShare.objects.filter(pk=item.pk).exists()


def test_a_staff_share_and_unshare_in_the_admin(directory_a, council_b, client_a):
    council_a, shared, _ = directory_a
    response = client_a.post(
        "/admin/directory/shares/",
        {"kind": "service", "service": str(shared.pk), "councils": [str(council_b.pk)]},
    )
    assert response.status_code == 302
    page = client_a.get("/admin/directory/shares/").content.decode()
    assert shared.name in page and council_b.name in page
    assert _listed(council_b) == [str(shared.pk)]
    bad = client_a.post("/admin/directory/shares/", {"kind": "service", "service": str(shared.pk)})
    assert bad.status_code == 400
    assert "Choose at least one neighbouring council or region." in bad.content.decode()
    item = DirectoryShare.objects.get()
    assert client_a.post(f"/admin/directory/shares/{item.pk}/unshare/").status_code == 302
    assert _listed(council_b) == []


def test_the_admin_form_offers_organisations_of_this_council_only(directory_a, client_b):
    council_a, shared, _ = directory_a
    response = client_b.post(
        "/admin/directory/shares/",
        {
            "kind": "organization",
            "organization": str(shared.organization_id),
            "regions": ["london"],
        },
    )
    assert response.status_code == 400
    with schema_context(council_a.schema_name):
        assert Organization.objects.filter(pk=shared.organization_id).exists()
    assert not DirectoryShare.objects.exists()


# --- /service_at_locations: shared services' locations, read-only, like /services ---------------


def _sal_listed(council, **params) -> list[str]:
    response = _oruk(council).get("/openreferral/service_at_locations", {"per_page": 500, **params})
    assert response.status_code == 200
    assert_valid_page(response.json(), "service_at_locations")
    return [item["id"] for item in response.json()["contents"]]


def _sal_ids(council, services) -> list[str]:
    from commissioning.providers.models import ServiceAtLocation

    with schema_context(council.schema_name):
        return [
            str(pk)
            for pk in ServiceAtLocation.objects.filter(service__in=services)
            .order_by("service__name", "service_id", "id")
            .values_list("id", flat=True)
        ]


def test_b_sees_a_shared_service_at_locations_and_c_none(directory_a, council_b, council_c):
    council_a, shared, unshared = directory_a
    with schema_context(council_a.schema_name):
        sharing.share("test", kind="service", entry_id=shared.pk, councils=[council_b])
    expected = _sal_ids(council_a, [shared])
    hidden = _sal_ids(council_a, [unshared])
    assert expected and hidden
    listed = _oruk(council_b).get("/openreferral/service_at_locations").json()
    assert [item["id"] for item in listed["contents"]] == expected
    assert listed["total_items"] == len(expected)
    assert listed["contents"][0]["service"]["id"] == str(shared.pk)
    assert listed["contents"][0]["service"]["organization"]["name"] == shared.organization.name
    for sal_id in expected:
        detail = _oruk(council_b).get(f"/openreferral/service_at_locations/{sal_id}")
        assert detail.status_code == 200
        assert_valid(detail.json(), DETAIL_SCHEMAS["service_at_locations"])
        assert detail.json()["service"]["name"] == shared.name
        # the same document as the owner publishes
        owner = _oruk(council_a).get(f"/openreferral/service_at_locations/{sal_id}").json()
        assert detail.json() == owner
        # read-only: no write method
        for method in ("post", "put", "patch", "delete"):
            response = getattr(_oruk(council_b), method)(
                f"/openreferral/service_at_locations/{sal_id}"
            )
            assert response.status_code == 405
    missing = _oruk(council_b).get(
        "/openreferral/service_at_locations/00000000-0000-4000-8000-000000000000"
    )
    for sal_id in hidden:
        response = _oruk(council_b).get(f"/openreferral/service_at_locations/{sal_id}")
        assert response.status_code == 404 and response.json() == missing.json()
    # C is not a neighbour: none in its list, 404 on the detail
    assert _sal_listed(council_c) == []
    for sal_id in expected:
        response = _oruk(council_c).get(f"/openreferral/service_at_locations/{sal_id}")
        assert response.status_code == 404 and response.json() == missing.json()
    # unsharing takes them away at once
    with schema_context(council_a.schema_name):
        sharing.unshare("test", DirectoryShare.objects.get().pk)
    assert _sal_listed(council_b) == []
    assert _oruk(council_b).get(
        f"/openreferral/service_at_locations/{expected[0]}"
    ).status_code == (404)


def test_shared_service_at_locations_page_after_b_own_with_correct_totals(
    directory_a, council_b, django_assert_num_queries
):
    council_a, shared, _ = directory_a
    from commissioning.providers.models import ServiceAtLocation

    with schema_context(council_b.schema_name):
        seed_demo(council_b)  # the demo's ids are the same in every council
        org_services = list(shared.organization.services.values_list("pk", flat=True))
        # B's own copies of A's organisation's services are gone: A's shared ones show instead
        Service.objects.filter(pk__in=org_services).delete()
        own = [
            str(pk)
            for pk in ServiceAtLocation.objects.order_by("service__name", "id").values_list(
                "id", flat=True
            )
        ]
    with schema_context(council_a.schema_name):
        sharing.share(
            "test", kind="organization", entry_id=shared.organization_id, councils=[council_b]
        )
    expected_shared = _sal_ids(council_a, org_services)
    assert len(expected_shared) >= 2 and len(own) >= 2
    everything = _sal_listed(council_b)
    assert everything[: len(own)] == own and sorted(everything[len(own) :]) == sorted(
        expected_shared
    )
    total = len(own) + len(expected_shared)
    seen = []
    per_page = len(own) - 1  # a page that holds both the council's own and shared ones
    pages = -(-total // per_page)
    for page in range(1, pages + 1):
        data = (
            _oruk(council_b)
            .get("/openreferral/service_at_locations", {"per_page": per_page, "page": page})
            .json()
        )
        assert_valid_page(data, "service_at_locations")
        assert data["total_items"] == total and data["total_pages"] == pages
        assert data["last_page"] is (page == pages) and data["first_page"] is (page == 1)
        seen += [item["id"] for item in data["contents"]]
    assert seen == everything and len(set(seen)) == total
    beyond = _oruk(council_b).get("/openreferral/service_at_locations", {"page": 99}).json()
    assert beyond["empty"] and beyond["total_items"] == total
    # the queries do not grow with the page (shared entries included)
    with CaptureQueriesContext(connection) as ctx:
        _oruk(council_b).get("/openreferral/service_at_locations", {"per_page": 1})
    with django_assert_num_queries(len(ctx.captured_queries)):
        _oruk(council_b).get("/openreferral/service_at_locations", {"per_page": 500})


def test_filters_apply_to_shared_service_at_locations(directory_a, council_b):
    council_a, shared, unshared = directory_a
    from commissioning.providers.models import Postcode

    with schema_context(council_a.schema_name):
        sharing.share("test", kind="service", entry_id=shared.pk, councils=[council_b])
        term_id = shared.service_terms.first().term_id
        location = shared.service_at_locations.first().location
    with schema_context(council_b.schema_name):
        # a postcode at A's location, and one far away, in B's own lookup
        Postcode.objects.create(
            postcode="AB1 1AA", latitude=location.latitude, longitude=location.longitude
        )
        Postcode.objects.create(postcode="AB9 9ZZ", latitude=10, longitude=10)
    expected = _sal_ids(council_a, [shared])
    assert _sal_listed(council_b, text=shared.name[:6]) == expected
    assert _sal_listed(council_b, text="no such words anywhere") == []
    assert _sal_listed(council_b, taxonomy_term_id=str(term_id)) == expected
    assert _sal_listed(council_b, postcode="AB1 1AA", proximity="500") == expected
    assert _sal_listed(council_b, postcode="AB9 9ZZ", proximity="500") == []
    bad = _oruk(council_b).get("/openreferral/service_at_locations", {"taxonomy_term_id": "x"})
    assert bad.status_code == 400 and "taxonomy_term_id" in bad.json()["error"]["fields"]
