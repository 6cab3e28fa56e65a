"""Sharing directory entries with neighbouring councils: council A shares a service (or an
organisation's services) with council B or B's region; B sees it read-only in its
/openreferral/services and admin with A named as its owner, never A's unshared services, and
cannot change it; council C (not a neighbour, another region) sees nothing. Changes in A reach
the public copy after commit; unsharing removes it from B."""

import pytest
from django.test import Client
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
