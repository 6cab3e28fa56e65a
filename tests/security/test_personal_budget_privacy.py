"""A personal budget holder's care, seen by an outsider (found by hand, 1 Dec 2026).

A personal budget holder is a resident who buys their own care with a council budget; the
light path (``direct_commission``) records what they bought, from whom and for how much. Every
commission's stages were published as OCDS releases on the open, unauthenticated
``/api/v1/ocds/releases/`` and ``/api/v1/ocds/records/<ocid>/``, so anyone could read the
resident's name (the buyer), the need their care coordinator wrote, the provider and the
price: health and social care data about a named person. A personal budget holder's
commissions are no longer in the open feeds (the council keeps their releases); a ward
councillor's member budget, public money spent by an office holder, still is.
"""

import pytest
from django.test import Client

from commissioning.commissions import actions
from commissioning.ledgers import actions as ledger
from commissioning.providers.models import Organization

pytestmark = pytest.mark.django_db


def _direct(commissioner, *, title, need, organization):
    budget = ledger.create_budget(
        "test", commissioner, name=f"{commissioner.name} budget", financial_year="2026-27"
    )
    ledger.allocate("test", budget, "5000")
    return actions.direct_commission(
        "test",
        commissioner=commissioner,
        budget=budget,
        organization=organization,
        title=title,
        need=need,
        price="2600",
    )


def test_a_personal_budget_holders_care_is_not_in_the_open_ocds_feeds(council_a, in_council):
    with in_council(council_a):
        provider = Organization.objects.create(name="Riverside Care", description="x")
        margaret = ledger.create_commissioner(
            "test",
            name="Margaret Quillon",
            kind="personal_budget_holder",
            care_coordinator="Sam Patel",
            payment_arrangement="direct_payment",
        )
        care = _direct(
            margaret,
            title="Home care visits",
            need="Help with washing and dressing since her stroke",
            organization=provider,
        )
        councillor = ledger.create_commissioner(
            "test", name="Cllr Priya Shah (Ward 1)", kind="ward_councillor"
        )
        trips = _direct(
            councillor,
            title="Youth club summer trips",
            need="Young people in Ward 1 have little to do in the summer.",
            organization=provider,
        )
        assert care.releases.exists()  # the council keeps them
    anonymous = Client(HTTP_HOST=council_a.primary_domain)
    feed = anonymous.get("/api/v1/ocds/releases/", {"page_size": 100})
    assert feed.status_code == 200
    body = feed.content.decode()
    for private in ("Quillon", "stroke", "Home care visits", care.ocid):
        assert private not in body, private
    # control: the councillor's member budget is public spending, published as before
    assert "Youth club summer trips" in body and "Cllr Priya Shah" in body
    record = anonymous.get(f"/api/v1/ocds/records/{care.ocid}/")
    missing = anonymous.get("/api/v1/ocds/records/ocds-xxxxxx-nothing-here/")
    assert record.status_code == missing.status_code == 404
    assert "Quillon" not in record.content.decode()
    assert anonymous.get(f"/api/v1/ocds/records/{trips.ocid}/").status_code == 200
