"""Master data in a real browser: a Master data officer signs in to the Wagtail admin, opens the
review queue, reads a pair side by side with its match-weight waterfall, and rejects it; axe-core
(WCAG 2.2 AA) on the pair page at 1280 px and 320 px, screenshots under test-output/."""

import pytest

from .test_site import _axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PASSWORD = "review-the-pairs-2026"


@pytest.fixture(scope="session")
def review_pair(browser_site, django_db_blocker):
    """Committed (session scope, outside the test's transaction) so the live server sees it."""
    from django_tenants.utils import schema_context

    from tenants.models import Council

    from .conftest import BROWSER_COUNCIL

    with django_db_blocker.unblock():
        yield _seed(Council.objects.get(slug=BROWSER_COUNCIL["slug"]), schema_context)


def _seed(council, schema_context):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from intelligence.masterdata import actions
    from intelligence.masterdata.models import ReviewPair

    with schema_context(council.schema_name):
        header = "source_id,first_name,surname,date_of_birth,postcode,address,email,phone\n"
        actions.import_source(
            (
                header + "C1,Margaret,Thornbury,1950-07-21,NS1 2AB,1 High Street,,\n"
                "C2,Patricia,Thornbury,1950-07-21,NS1 2AB,1 High Street,,\n"
            ).encode(),
            source="council-tax",
            kind="people",
        )
        actions.resolve_people()
        user, _ = get_user_model().objects.get_or_create(
            username="officer@browserton.example", defaults={"is_staff": True}
        )
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name="Master data"))
        return ReviewPair.objects.filter(kind="people", status="open").first().pk


def test_officer_reviews_a_pair_with_its_waterfall(
    browser_site, review_pair, page, screenshots_dir
):
    base, _paths = browser_site
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", "officer@browserton.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/admin/masterdata/review/")
    page.click(f"text=Review pair {review_pair}")
    page.wait_for_selector("svg.md-waterfall")
    assert (
        page.locator("svg.md-waterfall[role=img] > title").text_content().startswith("Match weight")
    )
    assert page.locator("table:has(caption:text('The waterfall'))").count() == 1
    page.screenshot(path=str(screenshots_dir / "masterdata-review-1280.png"), full_page=True)
    page.locator("figure").screenshot(path=str(screenshots_dir / "masterdata-waterfall.png"))
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path=str(screenshots_dir / "masterdata-review-320.png"), full_page=True)
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("text=Reject: different")
    page.wait_for_selector("text=Rejected: the records stay apart.")
    page.screenshot(path=str(screenshots_dir / "masterdata-review-rejected.png"), full_page=True)


@pytest.fixture(scope="session")
def overdue_request(browser_site, review_pair, django_db_blocker):
    """A subject access request about the reviewed person, due three days ago (committed)."""
    import datetime

    from django.utils import timezone
    from django_tenants.utils import schema_context

    from intelligence.masterdata import actions
    from intelligence.masterdata.models import GoldenPerson, SubjectAccessRequest
    from tenants.models import Council

    from .conftest import BROWSER_COUNCIL

    with django_db_blocker.unblock():
        council = Council.objects.get(slug=BROWSER_COUNCIL["slug"])
        with schema_context(council.schema_name):
            person = GoldenPerson.objects.filter(status="active").order_by("id").first()
            sar = actions.request_subject_access(person, actor="clerk", reference="SAR-LATE")
            SubjectAccessRequest.objects.filter(pk=sar.pk).update(
                due_date=timezone.localdate() - datetime.timedelta(days=3)
            )
            return sar.pk


def test_officer_sees_an_overdue_subject_access_request_and_downloads_its_export(
    browser_site, overdue_request, page, screenshots_dir
):
    base, _paths = browser_site
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", "officer@browserton.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/admin/masterdata/subject-access/")
    page.wait_for_selector("text=Overdue by 3 days")
    page.screenshot(path=str(screenshots_dir / "masterdata-sar-list-1280.png"), full_page=True)
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path=str(screenshots_dir / "masterdata-sar-list-320.png"), full_page=True)
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click(f"text=Request {overdue_request}")
    page.wait_for_selector("text=overdue by 3 days")
    assert _axe_violations(page) == []
    page.screenshot(path=str(screenshots_dir / "masterdata-sar-detail-1280.png"), full_page=True)
    with page.expect_download() as download:
        page.click("text=Download the export (ZIP)")
    assert download.value.suggested_filename == f"subject-access-{overdue_request}.zip"
