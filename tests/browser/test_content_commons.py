"""An editor's content-commons day in a real browser (Wagtail admin, Debian's Chromium): share one
of the council's pages to the commons, find another council's shared page by filtering the
library, preview it in the council's own layout, adopt it under a parent that accepts its type
(the chooser offers no other), see it marked "Already adopted" with a link to the copy, and,
when the source council shares a new version, keep the council's own copy. axe-core (WCAG 2.2 AA)
at 1280 px and 320 px on the library; screenshots in test-output/screenshots/."""

import re

import pytest

from .test_records_manager import check_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "share-and-adopt-2026"
USERNAME = "web.editor@browserton.example"
SOURCE_TITLE = "Apply for a garden waste bin (from Alphaford)"


@pytest.fixture(scope="module")
def commons_editor(browser_site, django_db_blocker):
    """A council administrator of the browser council, and a page shared by another council (the
    test database's Alphaford): its content is a copy of one of the demo site's service pages."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_tenants.utils import schema_context
    from wagtail.models import Page

    from cms.commons.actions import _hash, page_content
    from cms.commons.models import SharedTemplate
    from tenants.models import Council

    from .conftest import BROWSER_COUNCIL

    with django_db_blocker.unblock():
        council = Council.objects.get(slug=BROWSER_COUNCIL["slug"])
        source = Council.objects.get(slug="alphaford")
        with schema_context(council.schema_name):
            user, _ = get_user_model().objects.get_or_create(
                username=USERNAME, defaults={"is_staff": True, "email": USERNAME}
            )
            user.set_password(PASSWORD)
            user.save()
            user.groups.set(Group.objects.filter(name="Council administrators"))
            pages = Page.objects.live().filter(depth__gte=3).specific()
            service = next(p for p in pages if p._meta.model_name == "servicepage")
            content = page_content(service)
        SharedTemplate.objects.filter(source_council=source).delete()
        template = SharedTemplate.objects.create(
            source_council=source,
            source_page_id=999_001,
            page_type="cms.servicepage",
            title=SOURCE_TITLE,
            summary="Sign up for fortnightly garden waste collections.",
            content=content,
            content_hash=_hash(content),
        )
    yield template
    # Leave nothing behind for the other tests sharing this database and browser council.
    with django_db_blocker.unblock():
        SharedTemplate.objects.filter(pk=template.pk).delete()
        SharedTemplate.objects.filter(source_council=council).delete()
        with schema_context(council.schema_name):
            from cms.models import AdoptedPage

            for adoption in AdoptedPage.objects.select_related("page"):
                adoption.page.delete()


def _commit(sql):
    """Run ``sql`` on a connection of its own, committed at once: the test's own connection is
    inside the test's transaction, which the live server never sees."""
    import psycopg
    from django.db import connection

    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    ) as conn:
        conn.execute(sql)


def _page_id(path):
    from django_tenants.utils import schema_context
    from wagtail.models import Page

    from .conftest import BROWSER_COUNCIL

    with schema_context(f"c_{BROWSER_COUNCIL['slug']}"):
        return Page.objects.get(url_path=f"/home{path}").pk


def _parents_for_service_pages():
    """Titles of the site's pages that accept a service page as a child, and of those that do
    not (read from the page models, not from the screen)."""
    from django_tenants.utils import schema_context
    from wagtail.models import Page

    from cms.models import ServicePage

    from .conftest import BROWSER_COUNCIL

    accepting, refusing = set(), set()
    with schema_context(f"c_{BROWSER_COUNCIL['slug']}"):
        for p in Page.objects.filter(depth__gte=2).specific():
            accepts = ServicePage in p.specific_class.allowed_subpage_models()
            (accepting if accepts else refusing).add(p.get_admin_display_title())
    return accepting, refusing


def test_editor_shares_finds_previews_adopts_and_keeps_a_copy(
    browser_site, commons_editor, page, screenshots_dir
):
    base, paths = browser_site
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", USERNAME)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")

    # Share one of the council's own pages from its edit screen's action menu.
    page_id = _page_id(paths["pay_council_tax"])
    accepting, refusing = _parents_for_service_pages()
    page.goto(f"{base}/admin/pages/{page_id}/edit/")
    page.click("#w-slim-header-buttons button[aria-label='Actions']")
    page.get_by_role("link", name="Share to content commons").click()
    page.wait_for_url(f"{base}/admin/commons/share/{page_id}/")
    assert "Share “Pay your council tax” with every council" in page.locator("main").inner_text()
    page.click("button:has-text('Share')")
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    assert "to the content commons (version 1)" in page.locator(".messages").inner_text()

    # The library, reached from the menu: both shared pages, then only the other council's.
    page.goto(f"{base}/admin/")
    page.get_by_role("link", name="Content commons").click()
    page.wait_for_url(f"{base}/admin/commons/")
    assert page.locator("p[role=status]").inner_text() == "2 of 2 shared pages"
    page.select_option("#commons-council", label="Alphaford Council")
    page.click("form[role=search] button:has-text('Filter')")
    page.wait_for_url(re.compile(r"council="))
    assert page.locator("p[role=status]").inner_text() == "1 of 2 shared pages"
    row = page.locator("table.listing tbody tr", has_text=SOURCE_TITLE)
    assert row.count() == 1 and "already adopted" not in row.inner_text().lower()
    check_axe(page, screenshots_dir, "library", prefix="commons")
    page.fill("#commons-q", "no such words")
    page.click("form[role=search] button:has-text('Filter')")
    assert (
        "No shared page matches these filters."
        in page.locator("table.listing tbody").last.inner_text()
    )
    page.click("a:has-text('Clear filters')")
    assert page.locator("p[role=status]").inner_text() == "2 of 2 shared pages"

    # Preview: the other council's page in this council's layout, nothing saved.
    row = page.locator("table.listing tbody tr", has_text=SOURCE_TITLE)
    with page.context.expect_page() as preview_tab:
        row.locator("a:has-text('Preview')").click()
    preview = preview_tab.value
    preview.wait_for_load_state()
    assert preview.locator("h1").inner_text().strip() == SOURCE_TITLE
    assert "Browserton Council" in preview.locator("header").first.inner_text()
    preview.close()

    # The parent chooser offers only pages that accept a service page.
    options = {o.strip() for o in row.locator("select[name=parent] option").all_inner_texts()}
    assert refusing, "the demo site should have pages that do not accept a service page"
    assert options == accepting and not options & refusing, options
    row.locator("select[name=parent]").select_option(index=0)
    row.locator("button:has-text('Adopt')").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    assert f"Adopted “{SOURCE_TITLE}” as a draft." in page.locator(".messages").inner_text()
    assert page.locator("#id_title").input_value() == SOURCE_TITLE
    copy_url = page.url

    # Back in the library: marked adopted, with a link to the council's own copy.
    page.goto(f"{base}/admin/commons/")
    row = page.locator("table.listing tbody tr", has_text=SOURCE_TITLE)
    assert "already adopted" in row.inner_text().lower()
    assert "(adopted version 1)" in row.inner_text()
    assert row.locator("a:has-text('Your copy')").get_attribute("href") in copy_url
    assert row.locator("button").inner_text().startswith("Adopt again")
    # The council's own shared page is not offered back to it for adoption.
    own = page.locator("table.listing tbody tr", has_text="Pay your council tax")
    assert own.locator("button").count() == 0
    assert (
        own.get_by_role("link", name="edit the original")
        .get_attribute("href")
        .endswith(f"/admin/pages/{page_id}/edit/")
    )

    # The source council shares a new version: this council is told, and keeps its copy.
    _commit(f"UPDATE commons_sharedtemplate SET version = 2 WHERE id = {commons_editor.pk}")
    page.reload()
    outdated = page.locator("table.listing").first
    assert "you adopted version 1, now version 2" in outdated.inner_text()
    check_axe(page, screenshots_dir, "outdated", prefix="commons")

    # At 320 px (WCAG 1.4.10) nothing is cut off: the admin's <main> hides what overflows it
    # sideways, so the tables must scroll in their own boxes, within the screen, and the
    # buttons in them can be brought into view and used.
    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    hidden = page.evaluate("(m => m.scrollWidth - m.clientWidth)(document.querySelector('main'))")
    assert hidden <= 0, f"{hidden} px of the page are cut off at the right at 320 px"
    for table in page.locator("table.listing").all():
        box = table.locator("xpath=..").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, box
    library = page.locator("table.listing").last
    adopt = library.locator("tbody tr", has_text=SOURCE_TITLE).locator("button")
    keep = page.get_by_role("button", name="Keep my copy")
    for button in (adopt, keep):
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, box
    page.screenshot(path=str(screenshots_dir / "commons-keep-my-copy-320.png"), full_page=True)
    keep.click()
    page.wait_for_url(f"{base}/admin/commons/")
    assert page.locator("text=whose source has changed").count() == 0
    page.set_viewport_size({"width": 1280, "height": 900})
