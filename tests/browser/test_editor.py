"""An editor's day in the Wagtail admin, in a real browser with the site's real CSP (no bypass):
sign in on the council's own branded page, edit a page, watch the live preview, read the
accessibility checks panel's results, publish, and see the change on the public page (axe-core
at 1280 px and 320 px). The browser is watched for requests to any other host (gravatar,
Wagtail's release check): there must be none. Screenshots under test-output/screenshots/."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from .test_site import CUT_OFF, _axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "a-Long-editor-passphrase-42"
PARAGRAPH = "Pay by direct debit, online or at any council office."


@pytest.fixture(scope="session")
def editor(browser_site, django_db_blocker):
    """A committed member of the council's administrators (may publish) with a password."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_tenants.utils import schema_context

    from tenants.models import Council

    from .conftest import BROWSER_COUNCIL

    with django_db_blocker.unblock():
        council = Council.objects.get(slug=BROWSER_COUNCIL["slug"])
        with schema_context(council.schema_name):
            user, _ = get_user_model().objects.get_or_create(
                username="editor@browserton.example",
                defaults={"email": "editor@browserton.example", "is_staff": True},
            )
            user.set_password(PASSWORD)
            user.save()
            user.groups.set(Group.objects.filter(name="Council administrators"))
    return user.username


def _page_id(path):
    from django_tenants.utils import schema_context
    from wagtail.models import Page

    from .conftest import BROWSER_COUNCIL

    with schema_context(f"c_{BROWSER_COUNCIL['slug']}"):
        return Page.objects.get(url_path=f"/home{path}").pk


def test_editor_edits_previews_checks_and_publishes(browser, browser_site, editor, screenshots_dir):
    base, paths = browser_site
    council_host = urlsplit(base).hostname
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    elsewhere = []
    page.on(
        "request",
        lambda r: urlsplit(r.url).hostname in (council_host, None) or elsewhere.append(r.url),
    )
    refused_framing = []
    page.on("console", lambda m: "frame-ancestors" in m.text and refused_framing.append(m.text))

    # Sign in: the council's name, not Wagtail's.
    page.goto(base + "/admin/login/")
    assert "Browserton Council" in page.title() and "Wagtail" not in page.title()
    assert page.locator("h1").inner_text() == "Sign in to Browserton Council"
    page.screenshot(path=str(screenshots_dir / "editor-sign-in.png"))
    page.fill("#id_username", editor)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/admin/")
    assert page.locator("h1").first.inner_text().strip() == "Browserton Council"
    assert page.title().endswith("Browserton Council")
    assert page.locator(".sidebar-custom-branding [aria-label='Browserton Council']").is_visible()
    page.screenshot(path=str(screenshots_dir / "editor-dashboard.png"))

    # Edit with the live preview open: a level-3 heading straight after the page's h1 (an issue
    # the checks should find), then a paragraph. The preview follows the typing.
    # Wagtail starts watching the form for edits two seconds after the editor opens. On a fast
    # machine the typing below starts sooner; the page's clock is held still until the typing
    # is done, so the test always types before the watch starts, as a quick editor does.
    path = paths["pay_council_tax"]
    page.clock.install()
    page.clock.pause_at(datetime.now(UTC) + timedelta(hours=1))
    page.goto(f"{base}/admin/pages/{_page_id(path)}/edit/")
    page.click("[data-side-panel-toggle='preview']")
    page.wait_for_function(
        "() => document.querySelector('#w-preview-iframe')?.contentDocument?.querySelector('h1')",
        polling=250,
        timeout=60000,  # slow on a loaded machine
    )
    page.locator(".public-DraftEditor-content").first.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("### Ways to pay")
    page.keyboard.press("Enter")
    page.keyboard.type(PARAGRAPH)
    page.locator("#id_title").click()  # leaving the editor saves its content into the form
    page.clock.resume()
    page.wait_for_function(
        """text => [...document.querySelectorAll('iframe#w-preview-iframe')].some(
             f => (f.contentDocument?.body?.innerText || '').includes(text))""",
        arg=PARAGRAPH,
        polling=250,
        timeout=60000,  # the preview refreshes on its own timer; slow on a loaded machine
    )
    assert page.frame_locator("#w-preview-iframe").first.locator("h1").inner_text() == (
        "Pay your council tax"
    )
    page.screenshot(path=str(screenshots_dir / "editor-preview.png"))

    # Checks panel: real figures from the preview and the issue found by Wagtail's axe rules.
    page.click("[data-side-panel-toggle='checks']")
    page.wait_for_function(
        "() => /^\\d+$/.test(document.querySelector('[data-content-word-count]').textContent.trim())",
        polling=250,
        timeout=60000,  # the preview refreshes on its own timer; slow on a loaded machine
    )
    words = int(page.locator("[data-content-word-count]").inner_text())
    assert words >= 20
    page.wait_for_function(
        "() => Number(document.querySelector('[data-content-checker-count]').textContent) > 0",
        polling=250,
        timeout=60000,  # the preview refreshes on its own timer; slow on a loaded machine
    )
    issues = page.locator("[data-checks-panel] [data-content-checker-name]").all_inner_texts()
    assert "Incorrect heading hierarchy" in issues, issues
    page.screenshot(path=str(screenshots_dir / "editor-checks.png"))

    # Publish.
    page.locator("footer .w-dropdown__toggle").click()
    page.locator("footer button[name='action-publish']").click()
    page.wait_for_url("**/admin/pages/**")
    assert "has been published" in page.locator(".messages").inner_text()
    assert refused_framing == [] and elsewhere == []
    context.close()

    # The public page: changed, and accessible at both widths.
    public = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    visitor = public.new_page()
    visitor.goto(base + path)
    assert visitor.locator("text=Pay by direct debit").count() == 1
    assert visitor.locator("wagtail-userbar").count() == 0
    assert _axe_violations(visitor) == []
    visitor.set_viewport_size({"width": 320, "height": 800})
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 320
    assert _axe_violations(visitor) == []
    visitor.screenshot(path=str(screenshots_dir / "editor-published-320.png"), full_page=True)
    public.close()


def test_editors_admin_screens_pass_axe_and_offer_no_sites(
    browser_site, editor, page, screenshots_dir
):
    """The editor's admin screens (sign-in, dashboard, the page explorer, a page's edit form)
    have no axe violations at 1280 px and 320 px; the Settings menu has no Sites, and the Sites
    screen sends an administrator back to the dashboard."""
    from .test_records_manager import check_axe

    base, paths = browser_site
    page.goto(base + "/admin/login/")
    check_axe(page, screenshots_dir, "sign-in", prefix="editor")
    page.fill("#id_username", editor)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/admin/")
    assert page.locator("h1").first.inner_text().strip() == "Browserton Council"
    check_axe(page, screenshots_dir, "dashboard", prefix="editor")
    page.click("#wagtail-sidebar button:has-text('Settings')")
    items = [line.strip() for line in page.locator("#wagtail-sidebar").inner_text().splitlines()]
    assert "Branding" in items and "Sites" not in items, items
    page.goto(base + "/admin/sites/")
    assert page.url == base + "/admin/"
    path = paths["pay_council_tax"]
    parent = _page_id(path.rsplit("/", 2)[0] + "/")
    page.goto(f"{base}/admin/pages/{parent}/")
    assert page.locator("table.listing").get_by_text("Pay your council tax").count() == 1
    check_axe(page, screenshots_dir, "explorer", prefix="editor")
    page.goto(f"{base}/admin/pages/{_page_id(path)}/edit/")
    assert page.locator("#id_title").input_value() == "Pay your council tax"
    # Each rich text box is named after its field or block (Wagtail leaves them unnamed).
    page.locator(".public-DraftEditor-content").first.wait_for()
    names = [
        box.get_attribute("aria-label") or box.get_attribute("aria-labelledby")
        for box in page.locator(".public-DraftEditor-content[role=textbox]").all()
    ]
    assert names and all(names), names
    check_axe(page, screenshots_dir, "edit", prefix="editor")


def test_wagtails_new_user_and_multiple_upload_screens_pass_axe_and_reflow(
    browser_site, editor, page, screenshots_dir
):
    """Two of Wagtail's own screens, mended by cms/static/cms/admin/wagtail-screens.js and
    reflow.css: the new user form's "Roles" link (a tab outside any tablist) and the multiple
    image upload's unlabelled file input and too-wide button."""
    from .crawl import sign_in

    base, _ = browser_site
    sign_in(page, base, editor, PASSWORD)
    for path, name in (
        ("/admin/users/new/", "new-user"),
        ("/admin/images/multiple/add/", "upload"),
    ):
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{base}{path}")
            assert _axe_violations(page) == [], (path, width)
            if width == 320:
                assert page.evaluate(CUT_OFF) == [], path
            page.screenshot(
                path=str(screenshots_dir / f"wagtail-{name}-{width}.png"), full_page=True
            )
    assert page.get_attribute("#fileupload", "aria-label") == "Or choose from your computer"

    # the mended "Roles" link still takes the user to the roles tab, and keeps axe clean there
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/admin/users/new/")
    roles = page.locator("#tab-account a[href='#tab-roles']")
    assert roles.get_attribute("role") is None
    roles.click()
    assert page.get_attribute("#tab-label-roles", "aria-selected") == "true"
    assert page.is_visible("#tab-roles")
    assert page.evaluate("document.activeElement.id") == "tab-label-roles"
    assert _axe_violations(page) == []
