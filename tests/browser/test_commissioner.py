"""A ward councillor's light path in a real browser: sign in to the council's admin, open the
ward budget's ledger, try to commit more than is available (refused on the form with the amount
available), then buy directly from a provider in the directory (the commission, the commitment
and a running contract in one step) and see the budget's balance fall. axe-core (WCAG 2.2 AA)
at 1280 px and 320 px on the ledger and the light-path form; screenshots under test-output/.

The commissioning officer's full path, with a provider bidding from its account, is
tests/browser/test_commissioning_officer.py."""

import pytest

from .test_site import _axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PASSWORD = "spend-it-well-2026"


@pytest.fixture(scope="module")
def councillor(browser_site, django_db_blocker):
    """A ward councillor with a £1,000 ward budget and a provider in the directory (committed;
    the browser council is removed at the end of the session)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_tenants.utils import schema_context

    from commissioning.ledgers import actions as ledger
    from commissioning.providers.models import Organization
    from tenants.models import Council

    from .conftest import BROWSER_COUNCIL

    with django_db_blocker.unblock():
        council = Council.objects.get(slug=BROWSER_COUNCIL["slug"])
        with schema_context(council.schema_name):
            user, _ = get_user_model().objects.get_or_create(
                username="cllr@browserton.example", defaults={"is_staff": True}
            )
            user.set_password(PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name="Commissioners")])
            ward = ledger.create_commissioner(
                "test", name="Cllr Ada Moss (Riverside)", kind="ward_councillor"
            )
            ledger.add_member("test", ward, user, role="councillor")
            budget = ledger.create_budget(
                "test", ward, name="Riverside ward budget", financial_year="2026-27"
            )
            ledger.allocate("test", budget, "1000.00")
            Organization.objects.create(name="Riverside Youth Trips CIC", description="Trips")
    return user.username, budget.pk


def _axe_at_both_widths(page, screenshots_dir, name):
    page.screenshot(path=str(screenshots_dir / f"{name}-1280.png"), full_page=True)
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path=str(screenshots_dir / f"{name}-320.png"), full_page=True)
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_ward_councillor_commits_from_their_ward_budget(
    browser_site, councillor, page, screenshots_dir
):
    base, _ = browser_site
    username, budget_id = councillor
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")

    page.goto(f"{base}/admin/commissioning/budgets/{budget_id}/")
    page.fill("input[name=commit-amount]", "1500")
    page.fill("input[name=commit-description]", "Too much")
    with page.expect_navigation():
        page.click("button:text('Commit')")
    assert "Available: 1000.00" in page.content()
    _axe_at_both_widths(page, screenshots_dir, "commissioner-overspend")

    page.goto(f"{base}/admin/commissioning/commissions/direct/")
    page.select_option("select[name=budget]", str(budget_id))
    page.select_option("select[name=organization]", label="Riverside Youth Trips CIC")
    page.fill("input[name=title]", "Summer youth trips")
    page.fill("textarea[name=need]", "Young people in Riverside have nowhere to go in August.")
    page.fill("input[name=price]", "400")
    _axe_at_both_widths(page, screenshots_dir, "commissioner-direct")
    with page.expect_navigation():
        page.click("button:text('Commit and start')")
    assert "Contract running" in page.content()

    page.goto(f"{base}/admin/commissioning/budgets/{budget_id}/")
    text = page.inner_text("main")
    assert "Summer youth trips" in text and "600.00" in text
    _axe_at_both_widths(page, screenshots_dir, "commissioner-ledger")
