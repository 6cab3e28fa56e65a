"""Funding and participatory budgeting staff in a real browser (the council's Wagtail admin):

- a ward budget officer checks the proposals' feasibility and cost (one not feasible, with the
  reason), opens the vote, enters paper ballots (a second ballot by the same voter refused, the
  reason on the field), closes the vote, counts, sees the results, publishes them and commits
  the winners to the ward's ledger budget;
- a funding officer saves a search (with its alert settings) and sees the matched calls with
  their reasons, and the council's ranked matches.

axe-core (WCAG 2.2 AA) at 1280 px and 320 px on every screen; screenshots under
test-output/screenshots/ (docs/guides/funding.md shows them)."""

import datetime

import pytest

from .test_site import _axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PASSWORD = "fund-the-ward-2026"


@pytest.fixture(scope="module")
def staff(browser_site, django_db_blocker):
    """A ward budget officer (a member of the ward's ledger commissioner, with a £10,000
    budget), a ward budget with three proposals waiting for their check, a funding officer and
    a council call about loneliness (committed; the browser council is removed at the end)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from commissioning.funding import actions as funding
    from commissioning.ledgers import actions as ledger
    from commissioning.participation import actions
    from commissioning.participation.models import Proposal
    from tenants.models import Council

    from .conftest import BROWSER_COUNCIL

    users = {}
    with django_db_blocker.unblock():
        council = Council.objects.get(slug=BROWSER_COUNCIL["slug"])
        from tenants.actions import set_org_id

        set_org_id(council, "GB-LAE-BRT")  # the funder's id in its 360Giving feed
        with schema_context(council.schema_name):
            for username, group in (
                ("pb@browserton.example", "Ward budget officers"),
                ("funding@browserton.example", "Funding officers"),
            ):
                user, _ = get_user_model().objects.get_or_create(
                    username=username, defaults={"is_staff": True, "email": username}
                )
                user.set_password(PASSWORD)
                user.save()
                user.groups.set([Group.objects.get(name=group)])
                users[group] = user
            ward = ledger.create_commissioner("test", name="Millbrook ward", kind="ward_councillor")
            ledger.add_member("test", ward, users["Ward budget officers"], role="officer")
            budget = ledger.create_budget(
                "test", ward, name="Millbrook ward budget", financial_year="2026-27"
            )
            ledger.allocate("test", budget, "10000.00")
            now = timezone.now()
            day = datetime.timedelta(days=1)
            process = actions.save_process(
                title="Millbrook ward budget",
                slug="millbrook-budget",
                summary="How should £10,000 be spent in Millbrook?",
                ward_code="E05900002",
                ward_name="Millbrook",
                budget=10000,
                ledger_budget_id=budget.pk,
                postcodes=["NS2 1AA", "NS2 1AB"],
                proposals_open=now - 6 * day,
                proposals_close=now - day,
                voting_open=now + 2 * day,
                voting_close=now + 9 * day,
            )
            for title, estimate in (
                ("Play area", 6000),
                ("Benches by the river", 3500),
                ("Giant statue", 9000),
            ):
                Proposal.objects.create(
                    process=process,
                    title=title,
                    summary=f"{title} for Millbrook",
                    estimated_cost=estimate,
                    proposer_name="Mo Resident",
                    proposer_email="mo@example.org",
                    proposer_postcode="NS2 1AA",
                    recipient_name="Millbrook Friends" if title != "Giant statue" else "",
                )
            funding.save_call(
                funder="Millbrook Community Trust",
                programme="Tackling loneliness together",
                description="Befriending and lunch clubs for older people living alone",
                url="https://trust.example/loneliness",
                themes=["loneliness", "older people"],
                amount_max=50000,
                closes_on=timezone.localdate() + datetime.timedelta(days=30),
            )
            funding.save_call(
                funder="Sports Fund",
                programme="New pitches",
                url="https://sport.example/pitches",
                themes=["sport"],
            )
    return process.pk, budget.pk


def _sign_in(page, base, username):
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def _axe_at_both_widths(page, screenshots_dir, name):
    # Once the admin's messages have faded in: axe measures a half-faded message's contrast as
    # it is drawn (the records journey waits the same way).
    from .test_records_manager import SETTLED

    page.wait_for_function(SETTLED)
    page.screenshot(path=str(screenshots_dir / f"{name}-1280.png"), full_page=True)
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    page.wait_for_function(SETTLED)
    page.screenshot(path=str(screenshots_dir / f"{name}-320.png"), full_page=True)
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def _check(page, title, feasible, cost="", note=""):
    page.click(f"tr:has-text('{title}') >> a:has-text('Check')")
    page.wait_for_selector("h1:has-text('Check:')")
    page.check("input[name=feasible][value=yes]" if feasible else "input[name=feasible][value=no]")
    page.fill("input[name=cost]", cost)
    page.fill("textarea[name=note]", note)
    _submit(page, "button:text('Save check')")


def _paper_ballot(page, name, *projects, postcode="NS2 1AA"):
    page.fill("input[name=name]", name)
    page.fill("input[name=date_of_birth]", "1975-06-14")
    page.fill("input[name=address]", "4 Mill Lane")
    page.fill("input[name=postcode]", postcode)
    for project in projects:
        page.check(f"label:has-text('{project}')")


def test_a_ward_budget_officer_runs_the_vote_from_checks_to_committed_winners(
    browser_site, staff, page, screenshots_dir
):
    from django_tenants.utils import schema_context

    from commissioning.ledgers.models import Budget
    from commissioning.participation.models import Ballot
    from tenants.models import Council

    from .conftest import BROWSER_COUNCIL

    base, _ = browser_site
    process_id, budget_id = staff
    _sign_in(page, base, "pb@browserton.example")
    assert page.locator("nav >> text=Ward budgets (PB)").count() >= 1
    assert page.locator("nav >> text=Saved searches").count() == 0  # not this role's
    page.goto(f"{base}/admin/participation/processes/")
    _axe_at_both_widths(page, screenshots_dir, "pb-admin-list")
    page.click("a:text('Millbrook ward budget')")
    page.wait_for_selector("h2:text('Proposals')")
    _axe_at_both_widths(page, screenshots_dir, "pb-admin-proposals")

    # Feasibility: a feasible project without its cost is an error on the cost field.
    _check(page, "Play area", True, cost="")
    assert page.locator("#id_cost-error").inner_text().startswith("A feasible project needs")
    _axe_at_both_widths(page, screenshots_dir, "pb-admin-check-error")
    page.fill("input[name=cost]", "6000")
    _submit(page, "button:text('Save check')")
    _check(page, "Benches by the river", True, cost="3200")
    _check(page, "Giant statue", False, note="Too costly to insure and maintain")
    text = page.inner_text("main")
    assert "Too costly to insure" in text and "£3,200" in text
    _submit(page, "button:text('Open voting now')")
    assert "Voting is open" in page.inner_text("main")

    # Paper ballots: the same rules as online votes.
    page.click("a:text('Enter a paper ballot')")
    page.wait_for_selector("h1:has-text('Enter a paper ballot')")
    _axe_at_both_widths(page, screenshots_dir, "pb-admin-paper-ballot")
    _paper_ballot(page, "Pat Walker", "Play area", "Benches by the river")
    _submit(page, "button:text('Enter and start another')")
    assert "Paper ballot" in page.inner_text("main") and "entered" in page.inner_text("main")
    _paper_ballot(page, "PAT WALKER", "Benches by the river")  # the same voter again
    _submit(page, "button:text('Enter ballot')")
    assert "already voted" in page.locator("#id_name-error").inner_text()
    _axe_at_both_widths(page, screenshots_dir, "pb-admin-paper-ballot-refused")
    page.fill("input[name=name]", "Lee Walker")
    page.fill("input[name=date_of_birth]", "1975-06-14")
    page.fill("input[name=address]", "4 Mill Lane")
    page.fill("input[name=postcode]", "NS2 1AA")
    page.uncheck("label:has-text('Benches by the river')")
    page.check("label:has-text('Play area')")
    _submit(page, "button:text('Enter ballot')")
    assert "Paper ballot" in page.inner_text("main")

    # Close, count, results, publish, commit.
    _submit(page, "button:text('Close voting now')")
    _submit(page, "button:text('Count the votes')")
    results = page.inner_text("main")
    assert "2 ballots (2 on paper)" in results and "Funded" in results
    _axe_at_both_widths(page, screenshots_dir, "pb-admin-results")
    _submit(page, "button:text('Publish results')")
    _submit(page, "button:text('Award and commit winners')")
    assert "Winners awarded" in page.inner_text("main")
    _axe_at_both_widths(page, screenshots_dir, "pb-admin-awarded")

    council = Council.objects.get(slug=BROWSER_COUNCIL["slug"])
    with schema_context(council.schema_name):
        assert Ballot.objects.filter(process_id=process_id, channel="paper").count() == 2
        budget = Budget.objects.get(pk=budget_id)
        assert budget.committed == 9200  # both winners, against the ward's ledger
    feed = page.goto(f"{base}/api/v1/360giving/grants.json")
    assert feed.status == 200 and "Benches by the river" in feed.text()


def test_a_funding_officer_saves_a_search_and_sees_matched_calls_with_reasons(
    browser_site, staff, page, screenshots_dir
):
    base, _ = browser_site
    _sign_in(page, base, "funding@browserton.example")
    assert page.locator("nav >> text=Ward budgets (PB)").count() == 0
    page.goto(f"{base}/admin/funding/matches/")
    assert "Tackling loneliness together" in page.inner_text("main")
    _axe_at_both_widths(page, screenshots_dir, "funding-matches")
    page.goto(f"{base}/admin/funding/searches/new/")
    page.fill("input[name=name]", "Loneliness in Millbrook")
    page.fill("input[name=themes]", "loneliness")
    page.fill("input[name=remind_days]", "7")
    # Wagtail draws panel toggles and anchors at exactly the 24px minimum; the admin's CSS gives
    # them a margin above it (cms/static/cms/admin/targets.css).
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('.w-panel__toggle, .w-panel__anchor')]
          .filter((el) => el.offsetParent)
          .map((el) => Math.min(el.getBoundingClientRect().width, el.getBoundingClientRect().height))"""
    )
    assert sizes and min(sizes) >= 27, sizes
    _axe_at_both_widths(page, screenshots_dir, "funding-search-form")
    _submit(page, "button[type=submit]:has-text('Create')")
    main = page.inner_text("main")
    assert "Tackling loneliness together" in main and "New pitches" not in main
    assert "closes in 30 days" in main and "up to £50k" in main
    _axe_at_both_widths(page, screenshots_dir, "funding-search-matches")
    page.goto(f"{base}/admin/funding/searches/")
    assert "7 days before" in page.inner_text("main")
    _axe_at_both_widths(page, screenshots_dir, "funding-searches")
    page.goto(f"{base}/admin/funding/grants/")
    _axe_at_both_widths(page, screenshots_dir, "funding-grants")
