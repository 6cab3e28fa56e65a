"""A provider keeps its own directory entries current, in a real browser: it sets its password
from the emailed one-time link, signs in on the council's domain, sees only its organisation's
services, cannot open another organisation's (404), has a bad email refused on its field, sends
a change (which waits for approval) that also changes a phone number, adds a phone and changes
the opening hours (a closing time before the opening time is refused on its row first),
confirms another entry is still correct; a directory editor approves the change in the admin,
seeing the lists before and after, and the council's /openreferral/ publishes it.
axe-core (WCAG 2.2 AA) at 1280 px and 320 px on each screen; screenshots under test-output/."""

import pytest

from .test_funding import _axe_at_both_widths

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PASSWORD = "keep-entries-current-2026"
PROVIDER = "keeper@browserton.example"
EDITOR = "directory@browserton.example"


@pytest.fixture(scope="module")
def provider_journey(browser_site, django_db_blocker):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_tenants.utils import schema_context

    from commissioning.providers import actions
    from commissioning.providers.demo import seed_demo as seed_directory
    from commissioning.providers.models import Organization, ProviderAccount, Service
    from tenants.models import Council

    from .conftest import BROWSER_COUNCIL

    with django_db_blocker.unblock():
        council = Council.objects.get(slug=BROWSER_COUNCIL["slug"])
        with schema_context(council.schema_name):
            seed_directory(council)
            org = Organization.objects.get(name="Riverside Care")
            org.changes_need_approval = True
            org.save(update_fields=["changes_need_approval"])
            account = ProviderAccount.objects.filter(user__username=PROVIDER).first()
            if account is None:
                account = actions.create_provider_account(
                    None, email=PROVIDER, organization=org, name="Kim Keeper"
                )
            link = actions.set_password_path(account.user)
            editor, _ = get_user_model().objects.get_or_create(
                username=EDITOR, defaults={"is_staff": True, "email": EDITOR}
            )
            editor.set_password(PASSWORD)
            editor.save()
            editor.groups.set(Group.objects.filter(name="Directory editors"))
            edited = Service.objects.get(organization=org, name="Home care visits (North)")
            reviewed = Service.objects.get(organization=org, name="Day centre (South)")
            other = Service.objects.exclude(organization=org).order_by("name").first()
    return link, edited, reviewed, other


def test_a_provider_keeps_its_entries_current_and_staff_approve(
    browser_site, provider_journey, page, screenshots_dir
):
    base, _ = browser_site
    link, edited, reviewed, other = provider_journey

    page.goto(f"{base}{link}")
    _axe_at_both_widths(page, screenshots_dir, "provider-set-password")
    page.fill("input[name=new_password1]", PASSWORD)
    page.fill("input[name=new_password2]", PASSWORD)
    with page.expect_navigation():
        page.click("button:text('Set password')")
    assert page.url == f"{base}/provider/sign-in/"
    assert "Your password is set" in page.content()
    # the link is one-time
    assert page.goto(f"{base}{link}").status == 404
    page.goto(f"{base}/provider/sign-in/")
    page.fill("input[name=username]", PROVIDER)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button:text('Sign in')")
    assert page.url == f"{base}/provider/"
    body = page.inner_text("main")
    assert "Riverside Care" in body and edited.name in body and reviewed.name in body
    assert other.name not in body
    _axe_at_both_widths(page, screenshots_dir, "provider-entries")

    # another organisation's entry is a 404, as if it did not exist
    response = page.goto(f"{base}/provider/services/{other.pk}/")
    assert response.status == 404
    missing = page.goto(f"{base}/provider/services/00000000-0000-0000-0000-000000000000/")
    assert missing.status == 404

    page.goto(f"{base}/provider/services/{edited.pk}/")
    assert page.input_value("input[name='phones-0-number']") == "01234 567890"
    assert page.input_value("input[name='schedules-0-opens_at']") == "09:00"
    _axe_at_both_widths(page, screenshots_dir, "provider-edit")
    page.fill("input[name=email]", "not an email")
    page.fill("input[name='schedules-0-opens_at']", "18:00")
    page.fill("input[name='schedules-0-closes_at']", "08:00")
    with page.expect_navigation():
        page.click("button:text('Send changes for approval')")
    assert page.title().startswith("Error:")
    summary = page.inner_text(".govuk-error-summary")
    assert "Enter an email address in the correct format, like name@example.com" in summary
    assert "The closing time of opening hours 1 must be after its opening time (18:00)" in summary
    _axe_at_both_widths(page, screenshots_dir, "provider-edit-refused")
    # the summary's link takes the keyboard to the field
    page.click("a[href='#id_schedules-0-closes_at']")
    assert page.evaluate("document.activeElement.name") == "schedules-0-closes_at"

    page.fill("input[name=email]", "homecare@riverside.example")
    page.fill("textarea[name=description]", "Visits at home, seven days a week, 7am to 10pm.")
    page.fill("input[name='phones-0-number']", "01234 765432")
    page.fill("input[name='phones-1-number']", "07700 900456")
    page.fill("input[name='phones-1-description']", "Out of hours")
    page.fill("input[name='schedules-0-opens_at']", "07:00")
    page.fill("input[name='schedules-0-closes_at']", "22:00")
    page.check("label:text('Saturday') >> nth=0")
    page.check("label:text('Sunday') >> nth=0")
    with page.expect_navigation():  # Enter in a field sends the change (not "Add another")
        page.press("input[name='phones-1-description']", "Enter")
    assert page.url == f"{base}/provider/"
    assert "The council will check your changes" in page.content()
    row = page.locator("tr", has_text=edited.name)
    assert "Change waiting for approval" in row.inner_text()

    with page.expect_navigation():
        page.click(f"button:has-text('Still correct: {reviewed.name}')")
    assert f"{reviewed.name} is marked as reviewed today." in page.content()
    assert "Never" not in page.locator("tr", has_text=reviewed.name).inner_text()
    _axe_at_both_widths(page, screenshots_dir, "provider-reviewed")

    # not published yet: the public directory still has the old description
    published = page.goto(f"{base}/openreferral/services/{edited.pk}").json()
    assert published["description"] != "Visits at home, seven days a week, 7am to 10pm."
    assert [p["number"] for p in published["phones"]] == ["01234 567890"]
    assert published["service_at_locations"][0]["schedules"][0]["opens_at"] == "09:00"

    page.goto(f"{base}/provider/")
    with page.expect_navigation():
        page.click("button:text('Sign out')")
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", EDITOR)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    page.goto(f"{base}/admin/directory/changes/")
    with page.expect_navigation():
        page.click(f"a:text('{edited.name}')")
    table = page.inner_text("table")
    assert "homecare@riverside.example" in table and "seven days a week" in table
    assert "01234 765432" in table and "07700 900456 (Out of hours)" in table
    assert "Saturday, Sunday 07:00 to 22:00" in table and "09:00 to 17:00" in table
    _axe_at_both_widths(page, screenshots_dir, "provider-change-decision")
    with page.expect_navigation():
        page.click("button:text('Record decision')")
    assert page.url == f"{base}/admin/directory/changes/"

    published = page.goto(f"{base}/openreferral/services/{edited.pk}").json()
    assert published["description"] == "Visits at home, seven days a week, 7am to 10pm."
    assert published["email"] == "homecare@riverside.example"
    assert sorted(p["number"] for p in published["phones"]) == ["01234 765432", "07700 900456"]
    [hours] = published["service_at_locations"][0]["schedules"]
    assert (hours["byday"], hours["opens_at"], hours["closes_at"]) == (
        "MO,TU,WE,TH,FR,SA,SU",
        "07:00",
        "22:00",
    )
