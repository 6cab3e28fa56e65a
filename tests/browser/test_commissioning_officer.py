"""A commission from need to outcome in a real browser, with every person in their own browser
session: a commissioning officer signs in to the council's admin, records the need in a new
commission for a priority, sets weighted criteria and publishes the opportunity (seen on the
council's public /opportunities/ page and as an OCDS tender in /api/v1/ocds/releases/); a
provider signs in at /provider/ and sends a sealed bid; when the deadline has passed (a deadline
under a minute ahead, no clock tricks) the officer opens the bids and names two evaluators; one
scores, the other is refused for a conflict of interest (they represent the bidder); the
officer awards (the decision record on the commission, the commitment on the budget's ledger),
starts the contract with a KPI and a milestone, records a monitoring return and the outcome
against the priority. axe-core (WCAG 2.2 AA) at 1280 px and 320 px on every screen visited;
screenshots under test-output/screenshots/commission-*.png."""

import json
import threading
import time
from datetime import timedelta

import pytest

from .test_site import _axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PASSWORD = "commission-for-outcomes-2026"
OFFICER, PROVIDER = "officer@browserton.example", "bids@brightside.example"
EVALUATOR, CONFLICTED = "eval@browserton.example", "conflicted@browserton.example"
BIDDER, RIVAL = "Brightside Befriending CIC", "Rival Care Ltd"
TITLE = "Befriending for older people in Riverside"
# Long enough for the provider to sign in and bid on a loaded machine; the journey waits for
# whatever is left of it after the public page and the OCDS feed are checked.
BIDDING_SECONDS = 60


@pytest.fixture(scope="module")
def cast(browser_site, django_db_blocker):
    """The people and the money (committed; the browser council is removed with the session):
    an officer (Commissioning managers), a council service with a £60,000 budget, a published
    priority, a provider with a provider account, a rival provider, two evaluators (one of
    them also represents the bidder)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_tenants.utils import schema_context

    from commissioning.commissions import actions as commissions
    from commissioning.ledgers import actions as ledger
    from commissioning.providers.models import Organization, ProviderAccount
    from tenants.models import Council

    from .conftest import BROWSER_COUNCIL

    User = get_user_model()
    with django_db_blocker.unblock():
        council = Council.objects.get(slug=BROWSER_COUNCIL["slug"])
        with schema_context(council.schema_name):

            def person(username, group=None, staff=True):
                user, _ = User.objects.get_or_create(
                    username=username, defaults={"email": username, "is_staff": staff}
                )
                user.set_password(PASSWORD)
                user.save()
                user.groups.set(Group.objects.filter(name=group) if group else [])
                return user

            person(OFFICER, "Commissioning managers")
            person(EVALUATOR, "Commissioners")
            conflicted = person(CONFLICTED, "Commissioners")
            provider = person(PROVIDER, staff=False)
            service = ledger.create_commissioner(
                "test", name="Adult social care (Browserton)", kind="council_service"
            )
            budget = ledger.create_budget(
                "test", service, name="Prevention and wellbeing", financial_year="2026-27"
            )
            ledger.allocate("test", budget, "60000.00")
            priority = commissions.save_priority(
                "test",
                None,
                title="Older people's isolation",
                outcome="Fewer older people say they are lonely.",
                weight=4,
                published=True,
            )
            bidder = Organization.objects.create(name=BIDDER, description="Befriending")
            rival = Organization.objects.create(name=RIVAL, description="Home care")
            ProviderAccount.objects.create(user=provider, organization=bidder)
            commissions.link_representative("test", conflicted, bidder)
    return {
        "schema": council.schema_name,
        "budget": budget.pk,
        "commissioner": service.pk,
        "priority": priority.pk,
        "rival": rival.pk,
    }


def _committed(schema, fn, *args, organization=None, **kwargs):
    """``fn`` in a thread with its own (autocommitting) database connection."""
    from django.db import connection
    from django_tenants.utils import schema_context

    from commissioning.providers.models import Organization

    failures = []

    def run():
        try:
            with schema_context(schema):
                fn(*args, organization=Organization.objects.get(pk=organization), **kwargs)
        except Exception as error:  # noqa: BLE001 (reported in the test's own thread)
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert not thread.is_alive() and not failures, failures


class Journey:
    """One person's browser session, with axe and screenshots on every screen."""

    def __init__(self, browser, base, shots, who):
        self.context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(20000)
        self.base, self.shots, self.who = base, shots, who

    def check(self, name):
        """axe at 1280 px and 320 px, a screenshot at each, once the admin's messages have faded
        in (axe measures a half-faded message's contrast as it is drawn)."""
        from .test_records_manager import SETTLED

        page = self.page
        page.wait_for_function(SETTLED)
        page.screenshot(path=str(self.shots / f"commission-{name}-1280.png"), full_page=True)
        assert _axe_violations(page) == [], f"{name} at 1280 px"
        page.set_viewport_size({"width": 320, "height": 800})
        page.wait_for_function(SETTLED)
        page.screenshot(path=str(self.shots / f"commission-{name}-320.png"), full_page=True)
        assert _axe_violations(page) == [], f"{name} at 320 px"
        page.set_viewport_size({"width": 1280, "height": 900})

    def admin_sign_in(self, username, name=None):
        page = self.page
        page.goto(f"{self.base}/admin/login/")
        if name:
            self.check(name)
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.base}/admin/")

    def submit(self, button):
        with self.page.expect_navigation():
            self.page.click(button)

    def main(self):
        return self.page.inner_text("main")

    def close(self):
        self.context.close()


def test_an_officer_commissions_from_need_to_outcome(browser_site, cast, browser, screenshots_dir):
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from commissioning.commissions import actions as commissions
    from commissioning.commissions.models import Commission

    base, _ = browser_site
    started = time.monotonic()
    officer = Journey(browser, base, screenshots_dir, "officer")
    o = officer.page

    # The officer signs in and records the need as a new commission for the priority.
    officer.admin_sign_in(OFFICER, "admin-sign-in")
    o.goto(f"{base}/admin/commissioning/commissions/new/")
    o.select_option("select[name=commissioner]", str(cast["commissioner"]))
    o.select_option("select[name=budget]", str(cast["budget"]))
    o.select_option("select[name=priority]", str(cast["priority"]))
    o.fill("input[name=title]", TITLE)
    o.fill(
        "textarea[name=need]",
        "Older people in Riverside living alone say they go days without speaking to anyone.",
    )
    o.fill("input[name=estimated_value]", "24000")
    o.fill("input[name=area_code]", "E05900001")
    o.fill("input[name=category]", "Befriending")
    officer.check("new")
    officer.submit("button:has-text('Create')")
    assert "Need identified" in officer.main() and "Older people's isolation" in officer.main()
    commission_url = o.url

    # Weighted criteria, then publish with a deadline less than a minute ahead.
    o.fill("textarea[name=criteria]", "Quality: 60\nSocial value: 10\nPrice: 30")
    officer.check("planning")
    officer.submit("button:text('Set criteria')")
    assert "Quality: 60%" in officer.main()
    deadline = timezone.localtime() + timedelta(seconds=BIDDING_SECONDS)
    o.fill("input[name=deadline]", deadline.strftime("%Y-%m-%dT%H:%M:%S"))
    officer.submit("button:text('Publish')")
    assert "Opportunity published" in officer.main() and "Open for bids" in officer.main()
    with schema_context(cast["schema"]):
        commission = Commission.objects.get(title=TITLE)
    ocid = commission.ocid
    # A rival bids too (through the action, as the API would), so there is a ranking; in a
    # thread of its own, committed (this test's own connection is inside a transaction that
    # would hold the commission's row lock from the server until the test ends).
    _committed(
        cast["schema"],
        commissions.submit_bid,
        "test",
        commission,
        organization=cast["rival"],
        price="23500",
        proposal="Weekly phone calls and a monthly visit.",
    )

    # The provider signs in to its account and sends a sealed bid.
    provider = Journey(browser, base, screenshots_dir, "provider")
    p = provider.page
    p.goto(f"{base}/provider/sign-in/")
    provider.check("provider-sign-in")
    p.fill("input[name=username]", PROVIDER)
    p.fill("input[name=password]", PASSWORD)
    with p.expect_navigation():
        p.click("main button[type=submit]")
    p.goto(f"{base}/provider/opportunities/")
    p.click(f"a[href='/provider/opportunities/{commission.pk}/bid/']")
    p.wait_for_url(f"{base}/provider/opportunities/{commission.pk}/bid/")
    p.fill("input[name=price]", "21800")
    p.fill(
        "textarea[name=proposal]",
        "Trained volunteers matched with each person, weekly visits and a lunch club.",
    )
    provider.check("provider-bid-form")
    with p.expect_navigation():
        p.click("button:text('Send sealed bid')")
    assert "Your bid for" in p.inner_text("main") and "£21,800.00" in p.inner_text("main")
    assert timezone.now() < commission.tender_deadline, "the bid was meant to beat the deadline"
    provider.check("provider-bids")

    # The opportunity is on the council's website and in the OCDS feed as a tender.
    public = Journey(browser, base, screenshots_dir, "public")
    public.page.goto(f"{base}/opportunities/")
    assert TITLE in public.main()
    public.check("public-opportunities")
    with public.page.expect_navigation():
        public.page.click(f"main a:has-text('{TITLE}')")
    assert "Quality" in public.main() and "60%" in public.main()
    public.check("public-opportunity")
    # Fetched by the page (Playwright's own request client cannot resolve *.localhost).
    status, body = public.page.evaluate(
        """async (url) => {
            const r = await fetch(url, {headers: {Accept: "application/json"}});
            return [r.status, await r.text()];
        }""",
        f"{base}/api/v1/ocds/releases/?stage=tender",
    )
    assert status == 200
    package = json.loads(body)
    tenders = [r for r in package["releases"] if r["ocid"] == ocid]
    assert tenders and tenders[0]["tag"] == ["tender"]
    assert tenders[0]["tender"]["status"] == "active"
    assert tenders[0]["tender"]["tenderPeriod"]["endDate"]
    public.close()

    # Sealed: the officer cannot read the bids before the deadline.
    o.goto(commission_url)
    assert "21,800" not in officer.main() and "2 bids received" in officer.main()
    officer.check("sealed")
    left = (commission.tender_deadline - timezone.now()).total_seconds()
    if left > 0:
        o.wait_for_timeout(int(left * 1000) + 1500)
    # Too late for anyone now: a bid is refused with the deadline.
    p.goto(f"{base}/provider/opportunities/{commission.pk}/bid/")
    p.fill("input[name=price]", "19000")
    p.fill("textarea[name=proposal]", "A cheaper offer, sent late.")
    with p.expect_navigation():
        p.click("button:text('Send sealed bid')")
    assert "Bids closed at" in p.inner_text("main")
    provider.check("provider-late-bid")
    provider.close()

    # After the deadline: open the bids, name the evaluators.
    o.goto(commission_url)
    officer.submit("button:text('Close bidding and open the bids')")
    assert "Bidding closed" in officer.main()
    for username in (EVALUATOR, CONFLICTED):
        o.fill("input[name=username]", username)
        officer.submit("button:text('Add evaluator')")
        assert f"{username} added as an evaluator" in officer.main()
    officer.check("evaluation")

    # The first evaluator scores both bids on every criterion.
    evaluator = Journey(browser, base, screenshots_dir, "evaluator")
    e = evaluator.page
    evaluator.admin_sign_in(EVALUATOR)
    e.goto(commission_url)
    evaluator.check("scoring")
    scores = {BIDDER: {"Quality": 8, "Social value": 9, "Price": 7}}
    scores[RIVAL] = {"Quality": 6, "Social value": 4, "Price": 6}
    for organisation, marks in scores.items():
        for criterion, mark in marks.items():
            form = e.locator(f"form[aria-label='Score {organisation} on {criterion}']")
            form.locator("input[name=score]").fill(str(mark))
            with e.expect_navigation():
                form.locator("button").click()
            assert "Score saved." in evaluator.main()
    evaluator.close()

    # The second represents the bidder: refused, with the reason, on the form.
    conflicted = Journey(browser, base, screenshots_dir, "conflicted")
    c = conflicted.page
    conflicted.admin_sign_in(CONFLICTED)
    c.goto(commission_url)
    form = c.locator(f"form[aria-label='Score {BIDDER} on Quality']")
    form.locator("input[name=score]").fill("10")
    with c.expect_navigation():
        form.locator("button").click()
    assert "conflict of interest" in conflicted.main()
    conflicted.check("conflict")
    conflicted.close()

    # The officer awards to the best bid: a decision record and a commitment on the ledger.
    o.goto(commission_url)
    ranking = o.locator("table").first.inner_text()
    assert ranking.index(BIDDER) < ranking.index(RIVAL)
    o.get_by_label(f"{BIDDER} (£21,800.00)").check()
    o.fill("textarea[name=reasons]", "Highest weighted score; strongest on quality.")
    officer.check("award")
    officer.submit("button:text('Award')")
    text = officer.main()
    assert "Awarded: the decision is published" in text
    assert f"{BIDDER} for £21,800.00, committed from Prevention and wellbeing" in text
    assert f"Award of '{TITLE}', decided by Adult social care (Browserton)" in text
    o.goto(f"{base}/admin/commissioning/budgets/{cast['budget']}/")
    ledger_text = officer.main()
    assert f"Award: {TITLE}" in ledger_text and "£21,800.00" in ledger_text
    assert "£38,200.00" in ledger_text  # available: 60,000 − 21,800
    officer.check("ledger")

    # The contract with a KPI and a milestone, a monitoring return, the outcome.
    o.goto(commission_url)
    today = timezone.localdate()
    o.fill("input[name=start_date]", today.isoformat())
    o.fill("input[name=end_date]", today.replace(year=today.year + 1).isoformat())
    o.fill("textarea[name=kpis]", "People befriended: 40 people")
    o.fill(
        "textarea[name=milestones]", f"{(today + timedelta(days=60)).isoformat()} First 20 matched"
    )
    officer.check("contract")
    officer.submit("button:text('Start contract')")
    text = officer.main()
    assert "Contract started." in text and "People befriended: target 40" in text
    assert "First 20 matched" in text
    o.fill("input[name=period]", "2026-Q4")
    o.fill("input[name=amount_invoiced]", "5450")
    o.get_by_label("People befriended (people)").fill("12")
    officer.check("monitoring")
    officer.submit("button:text('Record return')")
    text = officer.main()
    assert "Monitoring return recorded." in text
    assert "2026-Q4: invoiced £5,450.00; People befriended: 12" in text
    o.fill("textarea[name=outcome]", "31 people matched; loneliness scores down a third.")
    o.fill("input[name=rating]", "4")
    officer.submit("button:text('Record outcome and close')")
    text = officer.main()
    assert "Outcome recorded." in text and "Complete" in text
    assert "rated 4 of 5 against the priority Older people's isolation" in text
    officer.check("outcome")
    officer.close()

    with schema_context(cast["schema"]):
        done = Commission.objects.get(pk=commission.pk)
        assert done.stage == "complete" and done.awarded_bid.organization.name == BIDDER
        assert done.decision_id and done.outcome_rating == 4
        assert set(done.releases.values_list("tag", flat=True)) >= {
            "tender",
            "tenderUpdate",
            "award",
            "contract",
            "implementation",
            "contractTermination",
        }
    assert time.monotonic() - started < 240
