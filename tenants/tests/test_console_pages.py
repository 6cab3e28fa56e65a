"""The platform console's own pages: overview, council detail and lifecycle, sign-up requests."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tenants import actions
from tenants.models import Council, CouncilEvent, CouncilRequest

from .consolehelpers import console_client, platform_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def root():
    return console_client(platform_user("root@platform.example", superuser=True))


def test_overview_lists_councils_with_their_figures_never_the_platform(root, council_a, in_council):
    from wagtail.models import Page

    cache.clear()
    with in_council(council_a):
        pages = Page.objects.filter(depth__gt=1).count()
        staff = get_user_model().objects.filter(is_staff=True, is_active=True).count()
    response = root.get("/console/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Alphaford Council" in body and "Betaby Council" in body
    assert 'data-council="platform"' not in body and ">Council Platform</a>" not in body
    row = body.split('data-council="alphaford"')[1].split("</tr>")[0]
    cells = [c.split(">", 1)[1].split("<")[0] for c in row.split('govuk-table__cell--numeric"')[1:]]
    assert cells[0] == str(pages) and cells[1] == str(staff)
    assert "Not available for global schema" not in body


def test_overview_reads_each_council_schema_once_and_then_from_the_cache(
    root, council_a, council_b
):
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        assert root.get("/console/").status_code == 200
    for council in (council_a, council_b):
        touching = [q for q in first.captured_queries if f'"{council.schema_name}".' in q["sql"]]
        assert len(touching) == 1, touching
    with CaptureQueriesContext(connection) as second:
        assert root.get("/console/").status_code == 200
    assert not [q for q in second.captured_queries if '"c_' in q["sql"]]
    assert len(second.captured_queries) < len(first.captured_queries)


def test_overview_filters_and_refuses_a_bad_filter(root, council_a):
    body = root.get("/console/?q=alpha").content.decode()
    assert "Alphaford Council" in body and "Betaby Council" not in body
    bad = root.get("/console/?status=exploded&tier=%00")
    assert bad.status_code in (400,)
    assert b"Select a valid choice" in bad.content or bad.status_code == 400


def test_overview_flags_a_council_whose_schema_is_missing(root, council_a):
    ghost = Council.objects.create(
        name="Ghost Council",
        slug="ghost",
        gss_code="E06000990",
        tier="unitary",
        schema_name="c_ghost",
    )
    body = root.get("/console/?q=ghost").content.decode()
    assert "Ghost Council" in body and "Its schema c_ghost does not exist." in body
    assert root.get(f"/console/councils/{ghost.slug}/").status_code == 200


def test_platform_home_page_never_lists_the_platform_itself(council_a):
    body = Client(HTTP_HOST=settings.PLATFORM_DOMAIN).get("/").content.decode()
    assert "Alphaford Council" in body
    councils = body.split("Councils on the platform")[1].split("</ul>")[0]
    assert "Council Platform" not in councils
    assert "<title>Council Platform</title>" in body  # the platform's name once, not twice


def test_suspend_and_reactivate_from_the_detail_page_are_recorded(root, council_a):
    page = root.get(f"/console/councils/{council_a.slug}/")
    assert page.status_code == 200 and b"Suspend council" in page.content
    response = root.post(
        f"/console/councils/{council_a.slug}/suspend/", {"suspend-reason": "Unpaid invoice"}
    )
    assert response.status_code == 302
    council_a.refresh_from_db()
    assert council_a.status == Council.Status.SUSPENDED
    event = CouncilEvent.objects.filter(council=council_a).first()
    assert (event.kind, event.reason, event.actor) == ("suspended", "Unpaid invoice", root.user)

    response = root.post(f"/console/councils/{council_a.slug}/reactivate/", {})
    assert response.status_code == 302
    council_a.refresh_from_db()
    assert council_a.status == Council.Status.ACTIVE
    history = root.get(f"/console/councils/{council_a.slug}/").content.decode()
    assert history.index('data-event="reactivated"') < history.index('data-event="suspended"')
    assert "Unpaid invoice" in history and "root@platform.example" in history


@pytest.mark.parametrize(
    "body, message",
    [
        ({}, "Enter the reason"),
        ({"suspend-reason": "line one\nline two"}, "one line of text"),
        ({"suspend-reason": "x" * 501}, "at most 500 characters"),
    ],
)
def test_suspending_needs_a_one_line_reason(root, council_a, body, message):
    response = root.post(f"/console/councils/{council_a.slug}/suspend/", body)
    assert response.status_code == 400 and message in response.content.decode()
    council_a.refresh_from_db()
    assert council_a.status == Council.Status.ACTIVE
    assert not CouncilEvent.objects.filter(council=council_a, kind="suspended").exists()


def test_the_platform_tenant_and_missing_councils_are_not_found(root):
    for path in ("/console/councils/platform/", "/console/councils/nowhere/"):
        assert root.get(path).status_code == 404
    assert (
        root.post("/console/councils/platform/suspend/", {"suspend-reason": "x"}).status_code == 404
    )
    assert root.get(f"/console/councils/{council_slug_get()}/suspend/").status_code == 405


def council_slug_get():
    return "alphaford"


@pytest.mark.parametrize(
    "perms, expected",
    [
        ((), 403),
        (("tenants.view_council",), 200),
    ],
)
def test_console_needs_platform_staff_with_the_model_permission(council_a, perms, expected):
    client = console_client(platform_user(perms=perms))
    assert client.get("/console/").status_code == expected
    assert client.get(f"/console/councils/{council_a.slug}/").status_code == expected


def test_viewing_is_not_changing(council_a):
    viewer = console_client(platform_user(perms=("tenants.view_council",)))
    page = viewer.get(f"/console/councils/{council_a.slug}/").content
    assert b"Suspend council" not in page
    response = viewer.post(f"/console/councils/{council_a.slug}/suspend/", {"suspend-reason": "x"})
    assert response.status_code == 403
    council_a.refresh_from_db()
    assert council_a.status == Council.Status.ACTIVE


def test_signed_out_and_non_staff_are_sent_to_sign_in(council_a):
    anonymous = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    not_staff = console_client(platform_user(perms=("tenants.view_council",), staff=False))
    for client in (anonymous, not_staff):
        response = client.get("/console/")
        assert response.status_code == 302 and response["Location"].startswith("/console/login/")
    council_b_staff = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    assert council_b_staff.get(f"/console/councils/{council_a.slug}/").status_code == 302


def _request(**overrides):
    fields = {
        "name": "Westmoor Council",
        "slug": "westmoor",
        "gss_code": "E06000950",
        "tier": "unitary",
        "region": "south-west",
        "contact_name": "Chief",
        "contact_email": "chief@westmoor.example",
    }
    fields.update(overrides)
    return actions.request_council(**fields)


def test_reject_a_request_with_a_reason(root):
    council_request = _request()
    page = root.get("/console/requests/").content.decode()
    assert "Westmoor Council" in page and "Approve" in page and "Reject" in page
    prefix = f"r{council_request.pk}"
    missing = root.post(
        f"/console/requests/{council_request.pk}/decide/", {f"{prefix}-decision": "reject"}
    )
    assert missing.status_code == 400
    assert "Enter the reason for rejecting the request" in missing.content.decode()
    response = root.post(
        f"/console/requests/{council_request.pk}/decide/",
        {f"{prefix}-decision": "reject", f"{prefix}-reason": "Not a council"},
    )
    assert response.status_code == 302
    council_request.refresh_from_db()
    assert council_request.status == CouncilRequest.Status.REJECTED
    assert (council_request.decision_reason, council_request.decided_by) == (
        "Not a council",
        root.user,
    )
    again = root.post(
        f"/console/requests/{council_request.pk}/decide/",
        {f"{prefix}-decision": "approve"},
    )
    assert again.status_code == 400 and "already rejected" in again.content.decode()
    assert not Council.objects.filter(slug="westmoor").exists()


def test_approve_a_request_provisions_and_records_it(root):
    council_request = _request()
    prefix = f"r{council_request.pk}"
    response = root.post(
        f"/console/requests/{council_request.pk}/decide/",
        {f"{prefix}-decision": "approve", f"{prefix}-reason": "Checked with ONS"},
    )
    assert response.status_code == 302 and response["Location"] == "/console/councils/westmoor/"
    council = Council.objects.get(slug="westmoor")
    event = CouncilEvent.objects.get(council=council)
    assert (event.kind, event.actor, event.reason) == ("provisioned", root.user, "Checked with ONS")


@pytest.mark.parametrize("decision", ["", "destroy", "approve\x00"])
def test_a_bad_decision_is_refused_by_name(root, decision):
    council_request = _request()
    response = root.post(
        f"/console/requests/{council_request.pk}/decide/",
        {f"r{council_request.pk}-decision": decision},
    )
    assert response.status_code == 400
    council_request.refresh_from_db()
    assert council_request.status == CouncilRequest.Status.PENDING


def test_deciding_needs_the_permission_for_that_decision():
    council_request = _request()
    viewer = console_client(platform_user(perms=("tenants.view_councilrequest",)))
    page = viewer.get("/console/requests/").content.decode()
    assert "You may see requests but not decide them" in page
    prefix = f"r{council_request.pk}"
    for decision in ("approve", "reject"):
        response = viewer.post(
            f"/console/requests/{council_request.pk}/decide/",
            {f"{prefix}-decision": decision, f"{prefix}-reason": "x"},
        )
        assert response.status_code == 403
    assert root_missing_request_is_404(viewer)


def root_missing_request_is_404(client):
    return (
        client.post("/console/requests/999999/decide/", {"r999999-decision": "reject"}).status_code
        == 404
    )


def test_django_admin_pages_have_no_framework_leftovers(root):
    for path in ("/console/tenants/", "/console/tenants/council/", "/console/data/"):
        response = root.get(path)
        assert response.status_code == 200, path
        assert b"Not available for" not in response.content


def test_council_page_shows_billing_usage_against_the_plan(root, council_a):
    """billing registers its usage read with the console (tenants.console.panels)."""
    body = root.get(f"/console/councils/{council_a.slug}/").content.decode()
    usage = body.split('id="usage"')[1].split('id="history"')[0]
    assert "data-usage" in usage and "Storage" in usage and "Page views per month" in usage


@pytest.mark.parametrize(
    "value, message",
    [
        ("GB-GSS-E06000901", "is not a local authority org-id"),
        ("GB-LAE-bir", None),  # upper-cased, then accepted
        ("GB-WLA-CRF", "wrong register for a council with GSS code E06000901"),
        ("GB-LAE-B1R", "is not a local authority org-id"),
        ("x" * 30, "at most 20 characters"),
    ],
)
def test_the_org_id_is_checked_against_the_registers_and_the_councils_nation(
    root, council_a, value, message
):
    response = root.post(f"/console/councils/{council_a.slug}/org-id/", {"org-org_id": value})
    council_a.refresh_from_db()
    if message is None:
        assert response.status_code == 302
        assert council_a.org_id == value.upper()
        event = CouncilEvent.objects.filter(council=council_a, kind="details-changed").get()
        assert "GB-LAE-BIR" in event.reason and event.actor == root.user
        assert "GB-LAE-BIR" in root.get(f"/console/councils/{council_a.slug}/").content.decode()
    else:
        assert response.status_code == 400 and message in response.content.decode()
        assert council_a.org_id == ""


def test_an_org_id_belongs_to_one_council_and_viewers_cannot_set_it(root, council_a, council_b):
    actions.set_org_id(council_b, "GB-LAE-BBY")
    taken = root.post(f"/console/councils/{council_a.slug}/org-id/", {"org-org_id": "GB-LAE-BBY"})
    assert taken.status_code == 400 and "already Betaby" in taken.content.decode().replace(
        "&#x27;", "'"
    )
    viewer = console_client(platform_user(perms=("tenants.view_council",)))
    refused = viewer.post(
        f"/console/councils/{council_a.slug}/org-id/", {"org-org_id": "GB-LAE-ALF"}
    )
    assert refused.status_code == 403
    assert (
        root.post("/console/councils/platform/org-id/", {"org-org_id": "GB-LAE-PLT"}).status_code
        == 404
    )
    council_a.refresh_from_db()
    assert council_a.org_id == ""
