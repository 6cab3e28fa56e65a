import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def make_process():
    """``make_process(stage="voting", **overrides)`` in the current council's schema: a ward
    budget of £10,000 with three feasible projects (£6,000, £4,000, £3,000)."""
    from commissioning.participation import actions
    from commissioning.participation.models import Proposal

    def make(stage="voting", **overrides):
        now = timezone.now()
        day = datetime.timedelta(days=1)
        starts = {
            "proposals": now - day,
            "review": now - 3 * day,
            "voting": now - 5 * day,
            "closed": now - 9 * day,
        }[stage]
        values = {
            "title": "Ward 1 budget",
            "slug": "ward-1-budget",
            "summary": "How should £10,000 be spent in Ward 1?",
            "ward_code": "E05900001",
            "ward_name": "Ward 1",
            "budget": 10000,
            "postcodes": ["NS1 1AA", "ns11ab"],
            "method": "knapsack",
            "proposals_open": starts,
            "proposals_close": starts + 2 * day,
            "voting_open": starts + 4 * day,
            "voting_close": starts + 8 * day,
            **overrides,
        }
        process = actions.save_process(**values)
        for title, cost in (("Play area", 6000), ("Benches", 4000), ("Bulbs", 3000)):
            Proposal.objects.create(
                process=process,
                title=title,
                summary=f"{title} for the ward",
                estimated_cost=cost,
                cost=cost,
                status="feasible",
                proposer_name="Resident",
                proposer_email="r@example.org",
                proposer_postcode="NS1 1AA",
            )
        return process

    return make
