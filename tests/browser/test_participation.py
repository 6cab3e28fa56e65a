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
    page.fill("#id_date_of_birth", "27")
    page.fill("#id_date_of_birth_month", "3")
    page.fill("#id_date_of_birth_year", "1980")
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


@pytest.fixture(scope="session")
def ward_budgets_to_propose_and_read(browser_site, django_db_blocker):
    """Two more ward budgets in Riverside: one open for proposals, one whose votes are counted
    and results published (two online votes and one paper ballot)."""
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
            common = {
                "ward_code": "E05900001",
                "ward_name": "Riverside",
                "budget": 10000,
                "postcodes": ["NS1 1AA"],
            }
            actions.save_process(
                title="Riverside ideas 2027",
                slug="riverside-ideas",
                summary="Tell us how £10,000 should be spent in Riverside.",
                proposals_open=now - day,
                proposals_close=now + 10 * day,
                voting_open=now + 12 * day,
                voting_close=now + 20 * day,
                **common,
            )
            done = actions.save_process(
                title="Riverside results 2025",
                slug="riverside-results",
                summary="Riverside's vote on £10,000.",
                proposals_open=now - 30 * day,
                proposals_close=now - 25 * day,
                voting_open=now - 20 * day,
                voting_close=now - 10 * day,
                **common,
            )
            ids = {}
            for title, cost in (("Community orchard", 7000), ("Bike racks", 2500), ("Mural", 4000)):
                ids[title] = Proposal.objects.create(
                    process=done,
                    title=title,
                    summary=f"{title} for Riverside",
                    estimated_cost=cost,
                    cost=cost,
                    status="feasible",
                    proposer_name="Resident",
                    proposer_email="r@example.org",
                    proposer_postcode="NS1 1AA",
                ).pk
            for name, titles in (
                ("Ann Able", ["Community orchard", "Bike racks"]),
                ("Ben Baker", ["Community orchard"]),
                ("Cat Carter", ["Mural", "Bike racks"]),
            ):
                actions.cast_vote(
                    done,
                    name=name,
                    date_of_birth=datetime.date(1970, 1, 1),
                    postcode="NS1 1AA",
                    choices=[ids[t] for t in titles],
                    channel="paper" if name == "Cat Carter" else "online",
                    now=now - 15 * day,
                )
            actions.count(done)
            actions.publish_results(done)


def _public_axe_at_both_widths(page, screenshots_dir, name):
    """axe-core at 1280 px and 320 px, and nothing wider than the screen at 320 px."""
    page.screenshot(path=str(screenshots_dir / f"{name}-1280.png"), full_page=True)
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    page.screenshot(path=str(screenshots_dir / f"{name}-320.png"), full_page=True)
    assert widths[0] <= 320, (name, widths)
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})


def test_resident_proposes_a_project_and_reads_the_published_results(
    browser_site, ward_budgets_to_propose_and_read, page, screenshots_dir
):
    base, _paths = browser_site
    page.goto(f"{base}/participate/")
    _public_axe_at_both_widths(page, screenshots_dir, "pb-index")
    page.click("text=Riverside ideas 2027")
    page.click("text=Propose a project")
    page.wait_for_selector("h1:text('Propose a project')")
    _public_axe_at_both_widths(page, screenshots_dir, "pb-propose")
    # From outside the ward: refused, the reason on the postcode field.
    page.fill("#id_title", "Planters on the High Street")
    page.fill("#id_summary", "Ten planters with flowers the school will look after.")
    page.fill("#id_estimated_cost", "1500")
    page.fill("#id_proposer_name", "Pat Proposer")
    page.fill("#id_proposer_email", "pat@example.org")
    page.fill("#id_proposer_postcode", "ns9 9zz")
    page.click("button:text('Send proposal')")
    error = page.locator("#id_proposer_postcode-error")
    error.wait_for()
    assert "NS9 9ZZ is not in Riverside" in error.inner_text()
    assert page.locator(".govuk-error-summary a[href='#id_proposer_postcode']").count() == 1
    assert page.input_value("#id_title") == "Planters on the High Street"
    _public_axe_at_both_widths(page, screenshots_dir, "pb-propose-outside-ward")
    page.fill("#id_proposer_postcode", "NS1 1AA")
    page.click("button:text('Send proposal')")
    page.wait_for_selector("h1:has-text('received')")
    _public_axe_at_both_widths(page, screenshots_dir, "pb-propose-thanks")
    # The published results: the votes for each project, who was funded, the turnout.
    page.goto(f"{base}/participate/riverside-results/")
    page.wait_for_selector("h2:text('Results')")
    rows = page.locator("table.govuk-table tbody tr").all_inner_texts()
    cells = [[c.strip() for c in r.split("\t")] for r in rows]
    assert [(c[0].splitlines()[0], c[0].splitlines()[-1], c[1]) for c in cells] == [
        ("Bike racks", "£2,500", "2"),  # a tie on votes: the cheaper first (the greedy rule)
        ("Community orchard", "£7,000", "2"),
        ("Mural", "£4,000", "1"),
    ], rows
    assert rows[0].endswith("Funded") and rows[1].endswith("Funded")
    assert rows[2].endswith("Not funded")
    turnout = page.inner_text("#turnout")
    assert turnout.startswith("3 residents voted (1 on paper)")
    assert "£9,500 of the £10,000 budget" in turnout
    _public_axe_at_both_widths(page, screenshots_dir, "pb-results")
