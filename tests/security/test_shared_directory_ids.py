"""Council B re-using council A's directory ids to take over A's shared entries in a neighbour's
directory (found by hand, 1 Dec 2026).

Directory ids are UUIDs the owner chooses: a feed import keeps the feed's ids, and the demo
directory has the same ids in every council. A's shared service and its service-at-locations
are published with their ids on A's and its neighbours' open ORUK APIs, so B's staff can make
(or import) a service with A's service id, or with A's service-at-location id, and share it
with the same neighbour C. Before the fix C's ``/openreferral/`` then listed the id twice and
answered the detail with whichever copy sorted first by name: B's text, contacts and
locations under A's id. Now one id in a neighbour's directory has one owner: the copy that
was shared first keeps it, a later copy from another council with the same id is not shown.
"""

import uuid

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from commissioning.directoryshare.models import SharedService
from commissioning.providers import sharing
from commissioning.providers.models import Location, Organization, Service, ServiceAtLocation
from commissioning.providers.tests.test_sharing import council_c  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _entry(council, *, name, service_id=None, sal_id=None):
    """One organisation, one service and one service-at-location in ``council``'s directory."""
    with schema_context(council.schema_name):
        org = Organization.objects.create(name=f"{name} organisation", description=name)
        service = Service.objects.create(
            pk=service_id or uuid.uuid4(), organization=org, name=name, description=name
        )
        location = Location.objects.create(name=f"{name} hall", latitude=51.5, longitude=-0.1)
        sal = ServiceAtLocation.objects.create(
            pk=sal_id or uuid.uuid4(), service=service, location=location
        )
    return service, sal


def _share(council, service, reader):
    with schema_context(council.schema_name):
        sharing.share("test", kind="service", entry_id=service.pk, councils=[reader])


def _oruk(council, path, **params):
    response = Client(HTTP_HOST=council.primary_domain).get(f"/openreferral/{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_b_cannot_take_over_a_shared_service_id_in_a_neighbours_directory(
    council_a,
    council_b,
    council_c,  # noqa: F811
):
    service_a, sal_a = _entry(council_a, name="Zymurgy Alphaton lunch club")
    _share(council_a, service_a, council_c)
    # B copies A's public id; its name sorts first, so before the fix its copy won the detail
    impostor, _ = _entry(council_b, name="Aardvark Betaby impostor", service_id=service_a.pk)
    _share(council_b, impostor, council_c)
    assert SharedService.objects.filter(service_id=service_a.pk).count() == 2  # both shared

    listed = _oruk(council_c, "services", per_page=500)
    ids = [item["id"] for item in listed["contents"]]
    assert ids.count(str(service_a.pk)) == 1
    assert [item["name"] for item in listed["contents"]] == ["Zymurgy Alphaton lunch club"]
    assert listed["total_items"] == 1
    detail = _oruk(council_c, f"services/{service_a.pk}")
    assert detail["name"] == "Zymurgy Alphaton lunch club"
    assert "Betaby" not in str(detail)
    # B's copy is not in C's read-only admin list either; A's is
    with schema_context(council_c.schema_name):
        owners = [copy.owner_id for copy in sharing.shared_with_this_council()]
    assert owners == [council_a.pk]
    # control: the same service under an id of its own is B's to share
    other, _ = _entry(council_b, name="Betaby own club")
    _share(council_b, other, council_c)
    assert _oruk(council_c, f"services/{other.pk}")["name"] == "Betaby own club"


def test_b_cannot_take_over_a_shared_service_at_location_id(
    council_a,
    council_b,
    council_c,  # noqa: F811
):
    service_a, sal_a = _entry(council_a, name="Zymurgy Alphaton lunch club")
    _share(council_a, service_a, council_c)
    # a new service id of B's, with A's service-at-location id inside it
    impostor, _ = _entry(council_b, name="Aardvark Betaby impostor", sal_id=sal_a.pk)
    _share(council_b, impostor, council_c)

    detail = _oruk(council_c, f"service_at_locations/{sal_a.pk}")
    assert detail["service"]["name"] == "Zymurgy Alphaton lunch club"
    assert detail["location"]["name"] == "Zymurgy Alphaton lunch club hall"
    listed = _oruk(council_c, "service_at_locations", per_page=500)
    by_id = [item for item in listed["contents"] if item["id"] == str(sal_a.pk)]
    assert len(by_id) == 1
    assert by_id[0]["service"]["name"] == "Zymurgy Alphaton lunch club"
    assert "Betaby" not in str(by_id)


def test_the_first_sharer_keeps_the_id_whichever_council_it_is(
    council_a,
    council_b,
    council_c,  # noqa: F811
):
    """Sharing order decides, not the council or the name: when B shared the id first, A's
    later copy with that id is the one left out (no council can displace an entry that
    neighbours already read)."""
    service_b, _ = _entry(council_b, name="Zymurgy Betaby first")
    _share(council_b, service_b, council_c)
    later, _ = _entry(council_a, name="Aardvark Alphaton later", service_id=service_b.pk)
    _share(council_a, later, council_c)
    assert _oruk(council_c, f"services/{service_b.pk}")["name"] == "Zymurgy Betaby first"
    names = [item["name"] for item in _oruk(council_c, "services")["contents"]]
    assert names == ["Zymurgy Betaby first"]
