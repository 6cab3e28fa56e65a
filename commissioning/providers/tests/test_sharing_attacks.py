"""Attacking the sharing: council B shares a service (and an organisation) with its neighbour A.
The copies live in the public schema, so every way in is tried: a council that is not a
neighbour (C, another region), an anonymous visitor on each council's domain, a provider
account of council A, and A's own staff (a neighbour: it may read, never change). None of them
can read (where reading is not public by design), edit or unshare B's shared entries through any
route (ORUK, the admin's snippet and directory screens, the provider pages, the provider API),
with any HTTP method, or with odd ids (%00, %5C, a 10,000-character id): the answer is a 3xx to
sign in, 400, 403, 404 or 405, never a 500, and B's entries are unchanged afterwards.

Reading B's copy on A's /openreferral/ is public by design (an open API): that is the one read
allowed, and only on A's domain."""

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from commissioning.directoryshare.models import DirectoryShare, SharedService
from commissioning.providers import actions, sharing
from commissioning.providers.demo import seed_demo
from commissioning.providers.models import Location, Organization, Service, ServiceAtLocation
from commissioning.providers.tests.test_sharing import council_c  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

METHODS = ("get", "head", "post", "put", "patch", "delete", "options")
ODD_IDS = ("%00", "%5C", "x" * 10_000, "%C0%AF")
ALLOWED = {301, 302, 400, 401, 403, 404, 405}


@pytest.fixture
def shared_by_b(council_a, council_b):
    """B (the owner) shares one service, and another organisation's services, with A."""
    with schema_context(council_b.schema_name):
        seed_demo(council_b)
        # entries only B has (the demo's ids are the same in every council's directory)
        org = Organization.objects.create(name="Betaby-only organisation", description="B")
        service = Service.objects.create(
            organization=org, name="Betaby-only befriending", description="B's own"
        )
        Service.objects.create(organization=org, name="Betaby-only lunch club", description="B")
        ServiceAtLocation.objects.create(
            service=service, location=Location.objects.order_by("name").first()
        )
        share = sharing.share("test", kind="service", entry_id=service.pk, councils=[council_a])
        sharing.share("test", kind="organization", entry_id=org.pk, councils=[council_a])
        sal = ServiceAtLocation.objects.filter(service=service).first()
        before = {
            "service": Service.objects.filter(pk=service.pk).values().get(),
            "org": Organization.objects.filter(pk=org.pk).values().get(),
        }
    copy = SharedService.objects.get(owner=council_b, service_id=service.pk)
    return {
        "service": service,
        "org": org,
        "sal": sal,
        "share": share,
        "copy": copy,
        "before": before,
        "copies": sorted(SharedService.objects.values_list("pk", "detail")),
        "shares": sorted(DirectoryShare.objects.values_list("pk", "entry_id", "regions")),
    }


def _client(council, user=None) -> Client:
    client = Client(HTTP_HOST=council.primary_domain, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def attackers(council_a, council_b, council_c, staff_client_factory):  # noqa: F811
    """name → (client, domain's council)."""
    with schema_context(council_a.schema_name):
        seed_demo(council_a)
        org_a = Organization.objects.order_by("name").first()
        provider_user = actions.create_provider_account(
            None, email="provider@alpha-care.example", name="Pat", organization=org_a
        ).user
        provider = _client(council_a, provider_user)
    staff_c = staff_client_factory(council_c)
    staff_c.raise_request_exception = False
    staff_a = staff_client_factory(council_a)
    staff_a.raise_request_exception = False
    return {
        "staff of C (not a neighbour)": (staff_c, council_c),
        "anonymous on C": (_client(council_c), council_c),
        "anonymous on A": (_client(council_a), council_a),
        "anonymous on B": (_client(council_b), council_b),
        "provider account of A": (provider, council_a),
        "staff of A (the neighbour)": (staff_a, council_a),
    }


def _routes(ids) -> list[str]:
    """Every route that names a directory entry, a share or a copy, with ``ids``' values."""
    service, org, sal, share, copy = (
        ids["service"],
        ids["org"],
        ids["sal"],
        ids["share"],
        ids["copy"],
    )
    snippet = "/admin/snippets/providers"
    return [
        f"/openreferral/services/{service}",
        f"/openreferral/service_at_locations/{sal}",
        f"{snippet}/service/edit/{service}/",
        f"{snippet}/service/delete/{service}/",
        f"{snippet}/service/copy/{service}/",
        f"{snippet}/service/history/{service}/",
        f"{snippet}/service/usage/{service}/",
        f"{snippet}/organization/edit/{org}/",
        f"{snippet}/organization/delete/{org}/",
        f"{snippet}/serviceatlocation/edit/{sal}/",
        f"{snippet}/serviceatlocation/delete/{sal}/",
        f"/admin/snippets/choose/providers/service/chosen/{service}/",
        f"/admin/directory/shared/{copy}/",
        f"/admin/directory/shares/{share}/unshare/",
        f"/provider/services/{service}/",
        f"/provider/services/{service}/reviewed/",
        f"/api/v1/provider/webhooks/{share}/",
    ]


def _real_ids(shared_by_b) -> dict:
    return {
        "service": shared_by_b["service"].pk,
        "org": shared_by_b["org"].pk,
        "sal": shared_by_b["sal"].pk,
        "share": shared_by_b["share"].pk,
        "copy": shared_by_b["copy"].pk,
    }


def _assert_b_unchanged(council_b, shared_by_b):
    with schema_context(council_b.schema_name):
        service = shared_by_b["service"]
        assert (
            Service.objects.filter(pk=service.pk).values().get() == shared_by_b["before"]["service"]
        )
        org = shared_by_b["org"]
        assert Organization.objects.filter(pk=org.pk).values().get() == shared_by_b["before"]["org"]
    assert sorted(SharedService.objects.values_list("pk", "detail")) == shared_by_b["copies"]
    assert (
        sorted(DirectoryShare.objects.values_list("pk", "entry_id", "regions"))
        == (shared_by_b["shares"])
    )


def _send(client, method: str, path: str):
    data = {"name": "Hijacked", "description": "Hijacked", "status": "inactive"}
    if method in ("get", "head", "options"):
        return getattr(client, method)(path)
    return getattr(client, method)(path, data)


def test_no_one_but_b_can_read_edit_or_unshare_b_shared_entries(
    shared_by_b, attackers, council_a, council_b
):
    service_name = shared_by_b["service"].name
    failures = []
    for who, (client, domain) in attackers.items():
        for path in _routes(_real_ids(shared_by_b)):
            for method in METHODS:
                response = _send(client, method, path)
                status = response.status_code
                public_read = (
                    domain == council_a
                    and path.startswith("/openreferral/")
                    and method in ("get", "head", "options")
                )
                owner_admin_read = (
                    who == "staff of A (the neighbour)"
                    and path.startswith("/admin/directory/shared/")
                    and method in ("get", "head")
                )
                own_domain = domain == council_b  # B's own entries on B's domain, anonymously
                if public_read or owner_admin_read:
                    ok = status == 200 if method == "get" else status in (200, 204, 405)
                elif (
                    own_domain
                    and path.startswith("/openreferral/")
                    and method
                    in (
                        "get",
                        "head",
                        "options",
                    )
                ):
                    ok = status in (200, 204, 405)  # B's own open API
                else:
                    # OPTIONS: Django's answer lists the allowed methods, nothing of the entry
                    ok = (status in ALLOWED or (method == "options" and status == 200)) and (
                        method == "head"
                        or status in (301, 302)
                        or service_name not in response.content.decode(errors="replace")
                    )
                if not ok:
                    failures.append(f"{who}: {method.upper()} {path[:80]} → {status}")
    assert failures == [], "\n".join(failures)
    _assert_b_unchanged(council_b, shared_by_b)


def test_odd_ids_are_never_a_500(shared_by_b, attackers, council_b):
    failures = []
    for who, (client, _domain) in attackers.items():
        for odd in ODD_IDS:
            ids = dict.fromkeys(("service", "org", "sal", "share", "copy"), odd)
            for path in _routes(ids):
                for method in METHODS:
                    status = _send(client, method, path).status_code
                    if status not in ALLOWED and not (method == "options" and status == 200):
                        failures.append(f"{who}: {method.upper()} {path[:70]} → {status}")
    assert failures == []
    _assert_b_unchanged(council_b, shared_by_b)


def test_odd_filter_values_on_lists_with_shared_entries_are_400_or_200(shared_by_b, council_a):
    failures = []
    client = _client(council_a)
    for endpoint in ("services", "service_at_locations"):
        for param in (
            "text",
            "taxonomy_term_id",
            "taxonomy_id",
            "postcode",
            "proximity",
            "page",
            "per_page",
        ):
            for value in ("\x00", "\\", "x" * 10_000, "%00"):
                params = {param: value}
                if param == "proximity":
                    params["postcode"] = "DM1 1NA"
                response = client.get(f"/openreferral/{endpoint}", params)
                ok = response.status_code == 200 or (
                    response.status_code == 400 and response.json()["error"]["code"] == "invalid"
                )
                if not ok:
                    failures.append(f"{endpoint} {param}={value[:10]!r} → {response.status_code}")
    assert failures == []


def test_a_unshare_post_naming_b_share_from_every_council_is_404(shared_by_b, attackers, council_b):
    share = shared_by_b["share"]
    for who, (client, _domain) in attackers.items():
        response = client.post(f"/admin/directory/shares/{share.pk}/unshare/")
        assert response.status_code in (302, 403, 404), who
        if response.status_code == 302:  # only to sign in: never the success redirect
            assert "login" in response["Location"] or "sign-in" in response["Location"], who
    _assert_b_unchanged(council_b, shared_by_b)
    assert DirectoryShare.objects.filter(pk=share.pk).exists()


def test_b_cannot_be_made_to_share_by_a_form_naming_its_entry(shared_by_b, attackers, council_b):
    for who, (client, _domain) in attackers.items():
        response = client.post(
            "/admin/directory/shares/",
            {
                "kind": "service",
                "service": str(shared_by_b["service"].pk),
                "regions": ["london"],
            },
        )
        assert response.status_code in (302, 400, 403), who
        if response.status_code == 302:
            assert "login" in response["Location"] or "sign-in" in response["Location"], who
    _assert_b_unchanged(council_b, shared_by_b)
