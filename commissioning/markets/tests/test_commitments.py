"""Spend into markets (issue 13 item 6): ledger commitments of awarded commissions feed the
market figures, the imported spend CSV is the second source, and one provider's spend in one
market and period is never counted twice (a commitment wins; the imported line is set aside).
Recomputed when the ledger posts (the outbox event) and by the nightly task."""

import itertools
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from commissioning.markets import actions, demo
from commissioning.markets.models import Market
from commissioning.providers.demo import seed_demo as seed_directory
from platform_core.events.relay import relay_pending

pytestmark = pytest.mark.django_db
_ocid = itertools.count(1)


def _commit(org_name, price, *, category="Home care", area="", year="2025-26"):
    """An awarded commission with its ledger commitment (as commissions' award makes them)."""
    from commissioning.commissions.models import Bid, Commission
    from commissioning.ledgers import actions as ledger
    from commissioning.ledgers.models import Budget, Commissioner
    from commissioning.providers.models import Organization

    commissioner, _ = Commissioner.objects.get_or_create(
        name="Adult care (test)", kind="council_service"
    )
    budget, made = Budget.objects.get_or_create(
        commissioner=commissioner, name="Care", financial_year=year
    )
    if made:
        ledger.allocate("test", budget, "5000000.00")
    commission = Commission.objects.create(
        commissioner=commissioner,
        budget=budget,
        title=f"{category} from {org_name}",
        need="n",
        category=category,
        area_code=area,
        estimated_value=Decimal(price),
        ocid=f"ocds-test-{next(_ocid)}",
        stage="awarded",
    )
    bid = Bid.objects.create(
        commission=commission,
        organization=Organization.objects.get(name=org_name),
        submitted_by="test",
        price=Decimal(price),
        proposal="p",
    )
    commitment = ledger.commit(
        "test",
        budget,
        price,
        description="Award",
        reference=f"commissions/commission/{commission.pk}",
    )
    commission.awarded_bid = bid
    commission.award_value = Decimal(price)
    commission.commitment_id = commitment.pk
    commission.save()
    return commission, commitment


@pytest.fixture
def demo_markets(council_a):
    with schema_context(council_a.schema_name):
        seed_directory(council_a)
        demo.seed_demo(council_a)
    return council_a


def _latest(term="Home care", period="2025-26"):
    return Market.objects.get(term__name=term).figures.get(period=period).figures


def test_a_commitment_counts_once_and_sets_the_imported_line_aside(demo_markets):
    with schema_context(demo_markets.schema_name):
        before = _latest()
        assert before["spend"] == 780_000.0  # imported: Riverside 690,000 + Hillview 90,000
        assert {s["source"] for s in before["shares"]} == {"imported"}
        _commit("Riverside Care", "100000.00")
        _commit("Youth Action", "10000.00")
        _commit("Youth Action", "30000.00")  # two commitments of one provider add up
        _commit("Little Steps Nurseries", "5000.00", category="Nothing like it")  # no market
        _commit("Little Steps Nurseries", "5000.00", area="E06000001")  # another area
        assert _latest() == before  # nothing until the ledger event is relayed
        relay_pending()
        after = _latest()
        # Riverside's imported 690,000 is superseded by its commitment of 100,000 (not added);
        # Hillview has no commitment, so its imported line counts; Youth Action is new.
        assert after["spend"] == 100_000 + 90_000 + 40_000
        shares = {s["provider"]: s for s in after["shares"]}
        assert shares["Riverside Care"]["source"] == "commitments"
        assert shares["Riverside Care"]["share"] == pytest.approx(100 * 100 / 230, abs=0.1)
        assert shares["Hillview Carers Centre"]["source"] == "imported"
        assert shares["Youth Action"]["source"] == "commitments"
        assert "Little Steps Nurseries" not in shares
        assert after["spend_by_source"] == {"commitments": 140_000.0, "imported": 90_000.0}
        assert after["superseded"] == [{"provider": "Riverside Care", "amount": 690_000.0}]
        assert after["entries"] == ["Youth Action"]
        # the other periods have no commitments: unchanged
        assert _latest(period="2024-25")["superseded"] == []


def test_a_wholly_released_commitment_gives_the_imported_line_back(demo_markets):
    from commissioning.ledgers import actions as ledger

    with schema_context(demo_markets.schema_name):
        _commission, commitment = _commit("Riverside Care", "100000.00")
        relay_pending()
        assert _latest()["spend"] == 190_000.0
        ledger.release("test", commitment, memo="cancelled")
        relay_pending()
        figures = _latest()
        assert figures["spend"] == 780_000.0 and figures["superseded"] == []


def test_a_commitment_in_a_new_year_makes_a_period_and_the_nightly_task_recomputes(
    demo_markets,
):
    from django.conf import settings

    from commissioning.markets.models import MarketFigures
    from commissioning.markets.tasks import recompute_all

    beat = settings.CELERY_BEAT_SCHEDULE["markets-recompute-nightly"]
    assert beat["task"] == recompute_all.name

    with schema_context(demo_markets.schema_name):
        _commit("Riverside Care", "28000.00", year="2026-27")
        MarketFigures.objects.all().delete()  # as if the event were lost
    assert recompute_all()[demo_markets.slug] >= 2
    with schema_context(demo_markets.schema_name):
        figures = _latest(period="2026-27")
        assert figures["providers"] == 1 and figures["top_share"] == 100.0
        home = Market.objects.get(term__name="Home care")
        assert home.alerts.filter(period="2026-27", kind="dependent").exists()


def test_council_b_commitments_never_reach_council_a_markets(demo_markets, council_b):
    with schema_context(council_b.schema_name):
        seed_directory(council_b)
        demo.seed_demo(council_b)
    with schema_context(demo_markets.schema_name):
        before = _latest()
    with schema_context(council_b.schema_name):
        _commit("Riverside Care", "100000.00")
        relay_pending()
        assert _latest()["spend_by_source"]["commitments"] == 100_000.0
    with schema_context(demo_markets.schema_name):
        relay_pending()
        actions.recompute()
        assert _latest() == before


def test_the_demo_phase_shows_shares_from_commitments_and_a_capacity_alert(council_a):
    """``make run``'s demo phase through the provisioning registry (the steps markets needs, in
    the registry's order): markets.demo runs after the commissions demo, so the awarded home
    care contract's commitment (2026-27) is in Home care's figures, and demand outgrows the
    providers' capacity."""
    from platform_core import provisioning

    needed = {
        "records.demo",
        "warehouse.demo",
        "providers.demo",
        "ledgers.demo",
        "commissions.demo",
        "markets.demo",
    }
    steps = [s for s in provisioning.steps(provisioning.DEMO) if s.name in needed]
    names = [s.name for s in steps]
    assert set(names) == needed
    assert names.index("markets.demo") > names.index("commissions.demo")
    with schema_context(council_a.schema_name):
        for step in steps:
            step.fn(council_a)
        relay_pending()
        home = Market.objects.get(term__name="Home care")
        current = home.figures.get(period="2026-27").figures
        shares = {s["provider"]: s["source"] for s in current["shares"]}
        assert shares == {"Riverside Care": "commitments"}
        assert current["spend_by_source"]["commitments"] == 28_000.0
        assert home.alerts.filter(kind="over_capacity").exists()
        assert home.supply["utilisation"] > 100
