"""The council lifecycle in the console, in a real browser: export Browserton (progress page,
archive ready), restore it under a new address (the restore's own page: done, a link to the
copy), schedule the copy's deletion on the confirmation screen (typing its slug), and the
failed-tasks page; axe-core at 1280 px and
320 px on each screen, screenshots under test-output/screenshots/console-*.png."""

import pytest

from .console import check as _check
from .console import operator, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

USERNAME = "lifecycle@platform.example"
PASSWORD = "Lifecycle-journey-pass-42"
COPY = "browserton-copy"


@pytest.fixture(scope="session")
def lifecycle_world(browser_site, django_db_blocker):
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from cms.testing import remove_council
    from tenants import lifecycle
    from tenants.models import CouncilEvent, CouncilExport, CouncilRestore, FailedTask

    base, _ = browser_site
    port = base.rsplit(":", 1)[1]

    def clean():
        get_user_model().objects.filter(username=USERNAME).delete()
        lifecycle.delete_files("c_browserton_copy")
        remove_council(COPY)
        CouncilEvent.objects.filter(council_slug__in=["browserton", COPY]).delete()
        CouncilRestore.objects.filter(slug=COPY).delete()
        CouncilExport.objects.filter(council_slug="browserton").delete()
        FailedTask.objects.filter(task_id="journey-task").delete()

    with django_db_blocker.unblock():
        clean()
        device = operator(USERNAME, PASSWORD)
        FailedTask.objects.create(
            task_id="journey-task",
            task_name="records.extract_text",
            schema_name="c_browserton",
            council_slug="browserton",
            args_summary="42",
            exception="RuntimeError: the extractor timed out",
        )
    try:
        yield f"http://{settings.PLATFORM_DOMAIN}:{port}", device
    finally:
        with django_db_blocker.unblock():
            clean()


def test_export_restore_delete_journey(lifecycle_world, page, screenshots_dir):
    platform, device = lifecycle_world
    sign_in(page, platform, USERNAME, PASSWORD, device)

    page.goto(platform + "/console/councils/browserton/")
    # The export and the restore run while the browser waits for the answer (tasks run eagerly
    # in tests; the pages then show them finished): each click waits for its page as long as the step may take, not the page's
    # 15 s for an ordinary action.
    page.get_by_role("button", name="Export council").click(timeout=120000)
    page.get_by_role("heading", name="Export of Browserton Council").wait_for(timeout=120000)
    page.get_by_text("Ready", exact=True).wait_for(timeout=120000)
    _check(page, screenshots_dir, "export")

    page.get_by_label("Web address (slug) of the restored council").fill(COPY)
    page.get_by_label("GSS code (optional)").fill("E06000985")
    page.get_by_role("button", name="Restore council").click(timeout=120000)
    # The restore is a task followed on its own page (progress, then the restored council).
    page.get_by_role("heading", name=f"Restore of Browserton Council as {COPY}").wait_for(
        timeout=120000
    )
    page.get_by_text("Restored Browserton Council").wait_for(timeout=120000)
    assert "/console/restores/" in page.url
    _check(page, screenshots_dir, "restore")
    page.get_by_role("link", name="Go to Browserton Council in the console").click()
    page.wait_for_url(f"**/console/councils/{COPY}/")

    page.get_by_role("link", name="Delete council").click()
    page.get_by_role("heading", name="Delete this council").wait_for()
    _check(page, screenshots_dir, "delete-confirm")
    page.get_by_label(f"Type {COPY} to confirm").fill("browserton")
    page.get_by_label("Reason").fill("Journey test")
    page.get_by_role("button", name="Delete Browserton Council after").click()
    page.locator(".govuk-error-summary").wait_for()
    page.get_by_label(f"Type {COPY} to confirm").fill(COPY)
    page.get_by_role("button", name="Delete Browserton Council after").click()
    page.get_by_text("To be deleted on").wait_for(timeout=120000)
    _check(page, screenshots_dir, "deletion-scheduled")

    page.get_by_role("link", name="Failed tasks").click()
    page.get_by_role("heading", name="Failed tasks").wait_for()
    assert page.get_by_text("the extractor timed out").count() == 1
    _check(page, screenshots_dir, "failed-tasks")
