"""A directory editor's postcode screen in a real browser: look a postcode up, open it (a
space in its URL reaches the same screen), a latitude out of range refused on its field, a
good change saved, a URL that is not a postcode a clear error. axe-core (WCAG 2.2 AA) at
1280 px and 320 px on each, and nothing wider than the screen at 320 px; screenshots under
test-output/."""

import pytest

from .test_funding import _axe_at_both_widths

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PASSWORD = "postcodes-on-screen-2026"


@pytest.fixture(scope="module")
def postcode_editor(browser_site, django_db_blocker):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_tenants.utils import schema_context

    from commissioning.providers.models import Postcode
    from tenants.models import Council

    from .conftest import BROWSER_COUNCIL

    with django_db_blocker.unblock():
        council = Council.objects.get(slug=BROWSER_COUNCIL["slug"])
        with schema_context(council.schema_name):
            user, _ = get_user_model().objects.get_or_create(
                username="postcodes@browserton.example", defaults={"is_staff": True}
            )
            user.set_password(PASSWORD)
            user.save()
            user.groups.set(Group.objects.filter(name="Directory editors"))
            Postcode.objects.update_or_create(
                postcode="BT1 9ZZ",
                defaults={
                    "latitude": "54.597300",
                    "longitude": "-5.930100",
                    "gss_codes": "N09000003",
                },
            )
    return user.username


def _fits_320(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width} px wide at 320 px"


def test_a_postcode_is_looked_up_opened_and_changed(
    browser_site, postcode_editor, page, screenshots_dir
):
    base, _ = browser_site
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", postcode_editor)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")

    page.goto(f"{base}/admin/directory/postcodes/import/?q=bt1")
    with page.expect_navigation():
        page.click("a[aria-label='View or edit BT1 9ZZ']")
    assert page.url == f"{base}/admin/directory/postcodes/BT19ZZ/"
    # a space (and lower case) in the URL reaches the same screen
    page.goto(f"{base}/admin/directory/postcodes/bt1%209zz/")
    assert page.url == f"{base}/admin/directory/postcodes/BT19ZZ/"
    assert page.input_value("input[name=latitude]") == "54.597300"
    _axe_at_both_widths(page, screenshots_dir, "postcode-screen")
    page.set_viewport_size({"width": 320, "height": 800})
    _fits_320(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.fill("input[name=latitude]", "95")
    with page.expect_navigation():
        page.click("button:text('Save')")
    assert "Ensure this value is less than or equal to 90." in page.inner_text("#id_latitude-error")
    _axe_at_both_widths(page, screenshots_dir, "postcode-refused")

    page.fill("input[name=latitude]", "54.6")
    page.fill("textarea[name=gss_codes]", "N09000003, N08000312")
    with page.expect_navigation():
        page.click("button:text('Save')")
    assert "BT1 9ZZ saved." in page.content()
    assert page.input_value("input[name=latitude]") == "54.600000"
    _axe_at_both_widths(page, screenshots_dir, "postcode-saved")

    page.goto(f"{base}/admin/directory/postcodes/NOT-ONE/")
    assert "is not a postcode" in page.inner_text("#postcode-error")
    _axe_at_both_widths(page, screenshots_dir, "postcode-bad-url")
    page.set_viewport_size({"width": 320, "height": 800})
    _fits_320(page)
