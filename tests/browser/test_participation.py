"""Participatory budgeting in a real browser: a resident opens the ward budget on the council's
website, chooses projects within the budget and votes; a second vote is refused with the
reason; the pages pass axe-core (WCAG 2.2 AA) at 1280 px and reflow at 320 px. Screenshots
under test-output/screenshots/."""

import datetime

import pytest

from .test_site import _axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(scope="session")
def ward_budget(browser_site, django_db_blocker):
    """A committed ward budget with voting open (the live server sees it)."""
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from commissioning.participation import actions
    from commissioning.participation.models import Proposal
    from tenants.models import Council

    from .conftest import BROWSER_COUNCIL

    with django_db_blocker.unblock():
        council = Council.objects.get(slug=BROWSER_COUNCIL["slug"])
        with schema_context(council.schema_name):
            now = timezone.now()
            day = datetime.timedelta(days=1)
            process = actions.save_process(
                title="Riverside ward budget",
                slug="riverside-budget",
                summary="How should £10,000 be spent in Riverside?",
                ward_code="E05900001",
                ward_name="Riverside",
                budget=10000,
                postcodes=["NS1 1AA"],
                proposals_open=now - 5 * day,
                proposals_close=now - 3 * day,
                voting_open=now - day,
                voting_close=now + 5 * day,
            )
            for title, cost in (("Play area", 6000), ("Benches", 4000), ("Spring bulbs", 3000)):
                Proposal.objects.create(
                    process=process,
                    title=title,
                    summary=f"{title} for Riverside",
                    estimated_cost=cost,
                    cost=cost,
                    status="feasible",
                    proposer_name="Resident",
                    proposer_email="r@example.org",
                    proposer_postcode="NS1 1AA",
                )
            return process.slug


def _fill(page, name):
    page.fill("#id_name", name)
    page.fill("#id_date_of_birth", "1980-03-27")
    page.fill("#id_address", "1 River Street")
    page.fill("#id_postcode", "ns1 1aa")


def test_resident_votes_once_within_the_budget(browser_site, ward_budget, page, screenshots_dir):
    base, _paths = browser_site
    page.goto(f"{base}/participate/")
    page.click("text=Riverside ward budget")
    page.screenshot(path=str(screenshots_dir / "pb-process-1280.png"), full_page=True)
    assert _axe_violations(page) == []
    page.click("text=Vote")
    page.wait_for_selector("h1:text('Vote')")
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    page.screenshot(path=str(screenshots_dir / "pb-vote-320.png"), full_page=True)
    assert widths[0] <= 320, widths
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    # Over the budget: refused with the reason, and the choices kept.
    page.check("label:text('Play area')")
    page.check("label:text('Benches')")
    page.check("label:text('Spring bulbs')")
    _fill(page, "Rita Resident")
    page.click("button:text('Send my vote')")
    page.wait_for_selector("text=more than the budget of £10,000")
    assert page.is_checked("label:text('Benches')")
    page.screenshot(path=str(screenshots_dir / "pb-vote-over-budget.png"), full_page=True)
    assert _axe_violations(page) == []
    page.uncheck("label:text('Benches')")
    _fill(page, "Rita Resident")
    page.click("button:text('Send my vote')")
    page.wait_for_selector("h1:text('Vote received')")
    assert _axe_violations(page) == []
    # The same resident again: refused.
    page.goto(f"{base}/participate/{ward_budget}/vote/")
    page.check("label:text('Benches')")
    _fill(page, "Rita Resident")
    page.click("button:text('Send my vote')")
    page.wait_for_selector("text=already voted")
