"""A records manager's day in a real browser (Wagtail admin, Debian's Chromium): sign in, add a
class to the file plan, declare a record with its file (the drop zone's upload with progress),
add a version, place and release a legal hold, run the disposal schedule, review the batch and
download its certificate, record a key decision (the forward-plan check shown as the date is
typed) and read the record's audit trail with readable times. axe-core (WCAG 2.2 AA) runs on the
main screens at 1280 px and 320 px; screenshots go to test-output/screenshots/."""

import base64
import json
import re

import pytest

from records.tests.files import make_pdf

from .test_site import CUT_OFF, _axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PASSWORD = "keep-the-records-2026"
USERNAME = "records.manager@browserton.example"
READABLE_TIME = re.compile(r"\b\d{1,2} [A-Z][a-z]+ 20\d\d, \d{1,2}:\d\d[ap]m\b")


@pytest.fixture(scope="session")
def records_manager(browser_site, django_db_blocker):
    """A records manager of the browser council, committed so the live server sees it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_tenants.utils import schema_context

    from tenants.models import Council

    from .conftest import BROWSER_COUNCIL

    with django_db_blocker.unblock():
        council = Council.objects.get(slug=BROWSER_COUNCIL["slug"])
        with schema_context(council.schema_name):
            user, _ = get_user_model().objects.get_or_create(
                username=USERNAME, defaults={"is_staff": True, "email": USERNAME}
            )
            user.set_password(PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name="Records managers")])
    return USERNAME


# Drop files on the drop zone as a person dragging them from their desktop would: a DataTransfer
# holding the files, dispatched as dragover and drop events on the zone.
DROP = """(files) => {
  const transfer = new DataTransfer();
  for (const [name, b64] of files) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], name, {type: "application/pdf"}));
  }
  const zone = document.querySelector("[data-records-drop]");
  for (const type of ["dragenter", "dragover", "drop"]) {
    zone.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
  }
}"""
# Every value each file's progress bar shows, kept on window (the page's content is replaced
# when the upload finishes): window.recordsProgress[i] lists the values of file i's bar.
WATCH_PROGRESS = """() => {
  const bars = [...document.querySelectorAll("[data-records-drop-progress]")];
  window.recordsProgress = bars.map(() => [0]);
  bars.forEach((bar, i) => new MutationObserver(() => window.recordsProgress[i].push(bar.value))
    .observe(bar, {childList: true, characterData: true, subtree: true}));
}"""
MAX_PROGRESS = "window.recordsProgress.map((values) => Math.max(...values))"


SETTLED = """() => [...document.querySelectorAll(".messages > ul")]
  .filter((list) => list.children.length)
  .every((list) => getComputedStyle(list).opacity === "1")"""


def drop_files(page, *paths):
    page.evaluate(DROP, [[p.name, base64.b64encode(p.read_bytes()).decode()] for p in paths])


def check_axe(page, screenshots_dir, name, prefix="records"):
    """axe at 1280 px and 320 px, a screenshot at each width, once the admin's messages have
    finished fading in (axe measures a half-faded message's contrast as it is drawn)."""
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function(SETTLED)
        page.screenshot(path=str(screenshots_dir / f"{prefix}-{name}-{width}.png"), full_page=True)
        assert _axe_violations(page) == [], f"{name} at {width} px"
        # Nothing cut off (WCAG 1.4.10): the admin's <main> hides what overflows it sideways.
        assert page.evaluate(CUT_OFF) == [], f"{name}: cut off at the right at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_records_manager_journey(browser_site, records_manager, page, screenshots_dir, tmp_path):
    base, _paths = browser_site
    minutes = tmp_path / "cabinet-minutes.pdf"
    minutes.write_bytes(make_pdf("Minutes of the Cabinet, 12 March", pad_to=3_000_000))
    amended = tmp_path / "cabinet-minutes-amended.pdf"
    amended.write_bytes(make_pdf("Minutes of the Cabinet, amended"))

    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", records_manager)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")

    # The menu: records, and no page tools a records manager cannot use
    sidebar = page.locator("aside, nav").first.inner_text() + page.content()
    assert "Content commons" not in sidebar and "Due for review" not in sidebar

    # The file plan: a class whose schedule makes its records due at once
    page.goto(f"{base}/admin/records/file-plan/new/")
    page.fill("input[name=code]", "TMP-01")
    page.fill("input[name=title]", "Temporary working papers")
    page.select_option("select[name=trigger]", "creation")
    page.fill("input[name=period_months]", "0")
    page.select_option("select[name=action]", "destroy")
    page.click("button[type=submit]:has-text('Create')")
    page.wait_for_selector("text=Temporary working papers")
    check_axe(page, screenshots_dir, "file-plan")

    # Declare a record with its file: the drop zone uploads with a progress bar
    page.goto(f"{base}/admin/records/records/new/")
    assert page.locator("[data-records-drop-hint]").is_visible()
    drop_files(page, minutes)
    assert "cabinet-minutes.pdf (2.9 MB)" in page.locator("[data-records-drop-chosen]").inner_text()
    page.evaluate(WATCH_PROGRESS)
    page.fill("input[name=title]", "Cabinet minutes, 12 March")
    page.select_option("select[name=file_class]", label="TMP-01 Temporary working papers")
    check_axe(page, screenshots_dir, "declare")
    page.click("button[type=submit]:has-text('Create')")
    page.wait_for_url(re.compile(r"/admin/records/records/\d+/$"))
    assert page.evaluate(MAX_PROGRESS) == [100]
    assert page.locator("text=declared.").count() == 1
    record_url = page.url
    assert page.locator("h1").inner_text().strip() == "Cabinet minutes, 12 March"

    # Add a version
    page.click("text=Add a version")
    page.set_input_files("input[name=file]", str(amended))
    page.click("button:has-text('Upload the new version')")
    page.wait_for_selector("text=Version 2 stored.")
    assert page.url == record_url

    # Place a legal hold from the record, then release it
    page.click("text=Place a legal hold")
    page.fill("input[name=name]", "Information request FOI-118")
    page.fill("textarea[name=reason]", "Requested under the Freedom of Information Act")
    page.fill("input[name=authority]", "Information governance")
    assert page.locator("input[name=records]:checked").count() == 1  # this record, chosen
    page.click("button[type=submit]:has-text('Create')")
    page.wait_for_selector("text=Information request FOI-118")
    check_axe(page, screenshots_dir, "holds")
    page.click("a:has-text('Information request FOI-118')")
    hold_id = re.search(r"/edit/(\d+)/", page.url).group(1)
    page.goto(f"{base}/admin/records/holds/{hold_id}/release/")
    page.fill("textarea[name=reason]", "Request answered")
    page.click("button:has-text('Release the hold')")
    page.wait_for_selector("text=released.")

    # Disposal: run the schedule, approve, complete, download the certificate
    page.goto(f"{base}/admin/records/disposal/new/")
    page.click("button:has-text('Run the schedule now')")
    page.wait_for_url(re.compile(r"/admin/records/disposal/\d+/review/$"))
    fieldset = page.locator("fieldset.records-decision", has_text="Cabinet minutes, 12 March")
    fieldset.get_by_label("Approve the scheduled action").check()
    check_axe(page, screenshots_dir, "disposal-review")
    page.click("button:has-text('Save decisions')")
    page.wait_for_selector("text=Decisions saved.")
    page.click("button:has-text('Complete the batch')")
    page.wait_for_selector("text=its certificate is ready to download")
    with page.expect_download() as download:
        page.click("a:has-text('Download the certificate (JSON)')")
    certificate = json.loads(open(download.value.path()).read())  # noqa: SIM115, PTH123
    assert len(certificate["sha256"]) == 64
    assert "Cabinet minutes, 12 March" in [
        r["title"] for r in certificate["certificate"]["records"]
    ]
    page.screenshot(path=str(screenshots_dir / "records-disposal-completed.png"), full_page=True)

    # A key decision: the forward-plan check as the date is typed, then saved
    page.goto(f"{base}/admin/records/decisions/new/")
    page.fill("input[name=title]", "Close the Riverside library")
    page.fill("input[name=decision_maker]", "Cabinet")
    page.fill("textarea[name=reasons]", "Falling use; a mobile service instead")
    page.check("input[name=is_key_decision]")
    page.fill("input[name=decision_date]", "2026-03-31")
    page.fill("input[name=forward_plan_date]", "2026-03-10")
    page.keyboard.press("Escape")  # close the date picker
    check = page.locator(".records-forward-plan")
    assert "20 clear days on the forward plan: 28 needed" in check.inner_text()
    page.fill("input[name=forward_plan_date]", "2026-03-02")
    page.keyboard.press("Escape")
    assert "28 clear days on the forward plan: enough" in check.inner_text()
    check_axe(page, screenshots_dir, "decision")
    page.click("button[type=submit]:has-text('Create')")
    page.wait_for_selector("text=Close the Riverside library")

    # The record's audit trail, with readable times
    page.goto(record_url)
    trail = page.locator("table:has(caption:text('Audit trail'))").inner_text()
    for step in (
        "Record declared",
        "New version stored",
        "Placed under a legal hold",
        "Legal hold released",
        "Disposal decision recorded",
        "Content destroyed (metadata stub kept)",
    ):
        assert step in trail, step
    assert READABLE_TIME.search(trail)
    check_axe(page, screenshots_dir, "record")

    # Several files at once: one record each, with the form's details, each file's progress
    agenda = tmp_path / "agenda.pdf"
    agenda.write_bytes(make_pdf("Cabinet agenda, 9 April", pad_to=2_000_000))
    reports = tmp_path / "reports-pack.pdf"
    reports.write_bytes(make_pdf("Cabinet reports pack, 9 April", pad_to=3_000_000))
    page.goto(f"{base}/admin/records/records/new/")
    assert "one or more files" in page.locator("[data-records-drop-hint]").inner_text()
    drop_files(page, agenda, reports)
    chosen = page.locator("[data-records-drop-chosen] li").all_inner_texts()
    assert [c.strip() for c in chosen] == [
        "Chosen: agenda.pdf (1.9 MB)",
        "Chosen: reports-pack.pdf (2.9 MB)",
    ]
    page.evaluate(WATCH_PROGRESS)
    page.fill("input[name=title]", "Cabinet, 9 April")
    page.select_option("select[name=file_class]", label="TMP-01 Temporary working papers")
    check_axe(page, screenshots_dir, "declare-several")
    page.click("button[type=submit]:has-text('Create')")
    page.wait_for_url(re.compile(r"/admin/records/records/$"))
    assert page.evaluate(MAX_PROGRESS) == [100, 100]
    assert page.locator("text=2 records declared").count() == 1

    # The register
    page.goto(f"{base}/admin/records/records/")
    listing = page.locator("table.listing").inner_text()
    assert "Cabinet minutes, 12 March" in listing
    for title in ("Cabinet, 9 April — agenda.pdf", "Cabinet, 9 April — reports-pack.pdf"):
        row = page.locator("table.listing tr", has_text=title)
        assert "TMP-01" in row.inner_text(), title
    check_axe(page, screenshots_dir, "register")


def _declare(page, base, path, title, file_class):
    page.goto(f"{base}/admin/records/records/new/")
    page.set_input_files("input[name=file]", str(path))
    page.fill("input[name=title]", title)
    page.select_option("select[name=file_class]", label=file_class)
    page.click("button[type=submit]:has-text('Create')")
    page.wait_for_url(re.compile(r"/admin/records/records/\d+/$"))
    return page.url


def test_records_manager_keeps_the_plan_reclasses_and_manages_policies_and_actions(
    browser_site, records_manager, page, screenshots_dir, tmp_path
):
    """The rest of the records manager's work: edit a class's disposal schedule, edit a record's
    metadata and re-class it, review a disposal batch by extending one record and re-classing
    another, revise a policy (a new version) and add an action arising from a decision."""
    base, _paths = browser_site
    draft = tmp_path / "draft-budget.pdf"
    draft.write_bytes(make_pdf("Draft budget 2027-28"))
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", records_manager)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")

    # Two classes, then the long-term one's schedule changed from the file plan's listing.
    for code, title, months, action in (
        ("WRK-02", "Working drafts", "0", "destroy"),
        ("FIN-07", "Budget papers", "72", "review"),
    ):
        page.goto(f"{base}/admin/records/file-plan/new/")
        page.fill("input[name=code]", code)
        page.fill("input[name=title]", title)
        page.select_option("select[name=trigger]", "creation")
        page.fill("input[name=period_months]", months)
        page.select_option("select[name=action]", action)
        page.click("button[type=submit]:has-text('Create')")
        page.wait_for_selector(f"text={title}")
    page.goto(f"{base}/admin/records/file-plan/?q=Budget+papers")
    page.locator("table.listing tr", has_text="Budget papers").locator("a").first.click()
    page.fill("input[name=period_months]", "84")
    page.click("button[type=submit]:has-text('Save')")
    page.wait_for_selector(".messages .success")
    row = page.locator("table.listing tr", has_text="Budget papers").inner_text()
    assert "Review: 84 months after creation of the record" in row, row
    check_axe(page, screenshots_dir, "file-plan-edited")

    # Edit a record's metadata and re-class it; the audit trail says what changed.
    notes = _declare(page, base, draft, "Budget notes (draft)", "WRK-02 Working drafts")
    page.click("a:has-text('Edit metadata')")
    page.fill("input[name=title]", "Budget notes")
    page.fill("textarea[name=description]", "Notes from the budget-setting workshops")
    page.select_option("select[name=file_class]", label="FIN-07 Budget papers")
    check_axe(page, screenshots_dir, "edit-metadata")
    page.click("button[type=submit]:has-text('Save')")
    page.wait_for_load_state()
    page.goto(notes)
    assert page.locator("h1").inner_text().strip() == "Budget notes"
    trail = page.locator("table:has(caption:text('Audit trail'))").inner_text()
    assert "Metadata changed" in trail
    assert "WRK-02 Working drafts → FIN-07 Budget papers" in trail, trail

    # A disposal batch: extend one record, re-class the other.
    _declare(page, base, draft, "Draft budget v3", "WRK-02 Working drafts")
    _declare(page, base, draft, "Draft budget v4", "WRK-02 Working drafts")
    page.goto(f"{base}/admin/records/disposal/new/")
    page.click("button:has-text('Run the schedule now')")
    page.wait_for_url(re.compile(r"/admin/records/disposal/\d+/review/$"))
    review = page.url
    v3 = page.locator("fieldset.records-decision", has_text="Draft budget v3")
    v3.get_by_label("Extend retention").check()
    v3.get_by_label("Extend by (months)").fill("12")
    v3.get_by_label("Note").fill("Needed until the budget is set")
    v4 = page.locator("fieldset.records-decision", has_text="Draft budget v4")
    v4.get_by_label("Re-class").check()
    v4.get_by_label("New class").select_option(label="FIN-07 Budget papers")
    # Any other record the schedule found (an earlier test's) is approved as scheduled.
    others = page.locator("fieldset.records-decision").filter(has_not_text="Draft budget v")
    for i in range(others.count()):
        others.nth(i).get_by_label("Approve the scheduled action").check()
    check_axe(page, screenshots_dir, "disposal-extend-reclass")
    page.click("button:has-text('Save decisions')")
    page.wait_for_selector("text=Decisions saved.")
    page.click("button:has-text('Complete the batch')")
    page.wait_for_selector("text=its certificate is ready to download")
    assert page.url == review
    outcomes = page.locator("table.listing tbody")
    v3_row = outcomes.locator("tr", has_text="Draft budget v3").inner_text()
    v4_row = outcomes.locator("tr", has_text="Draft budget v4").inner_text()
    assert "Extend retention" in v3_row and "Re-class" in v4_row, (v3_row, v4_row)
    assert "FIN-07" in v4_row, v4_row
    check_axe(page, screenshots_dir, "disposal-outcomes")

    # A policy, then revised: each change is a new version.
    page.goto(f"{base}/admin/records/policies/new/")
    page.fill("input[name=title]", "Records retention policy")
    page.fill("textarea[name=summary]", "How long the council keeps its records, and why.")
    page.fill("input[name=owner]", "Information governance")
    page.click("button[type=submit]:has-text('Create')")
    page.wait_for_selector("table.listing >> text=Records retention policy")
    page.click("table.listing a:has-text('Records retention policy')")
    page.fill("input[name=review_date]", "2027-04-01")
    page.click("button[type=submit]:has-text('Save')")
    page.wait_for_selector("text=saved as a new version")
    row = page.locator("table.listing tr", has_text="Records retention policy").inner_text()
    assert "2" in row.split("Information governance", 1)[1] and "1 April 2027" in row, row
    check_axe(page, screenshots_dir, "policies")

    # A decision under the policy, and an action arising from it.
    page.goto(f"{base}/admin/records/decisions/new/")
    page.fill("input[name=title]", "Adopt the records retention policy")
    page.fill("input[name=decision_maker]", "Cabinet member for resources")
    page.fill("input[name=decision_date]", "2026-05-04")
    page.fill("textarea[name=reasons]", "The old schedule predates the current legislation")
    page.select_option("select[name=policy]", label="Records retention policy (v2)")
    page.click("button[type=submit]:has-text('Create')")
    page.wait_for_selector("table.listing >> text=Adopt the records retention policy")
    page.click("table.listing a:has-text('Adopt the records retention policy')")
    decision = page.url
    page.click("a:has-text('Add an action arising')")
    assert (
        "Adopt the records retention policy"
        in page.locator("select[name=decision] option:checked").inner_text()
    )
    page.fill("textarea[name=description]", "Tell every service about the new schedule")
    page.fill("input[name=owner]", "Head of information governance")
    page.fill("input[name=due_date]", "2026-06-30")
    check_axe(page, screenshots_dir, "action-arising")
    page.click("button[type=submit]:has-text('Create')")
    page.wait_for_selector("table.listing >> text=Tell every service about the new schedule")
    row = page.locator("table.listing tr", has_text="Tell every service").inner_text()
    assert "Adopt the records retention policy" in row and "30 June 2026" in row, row
    assert "Open" in row
    page.goto(decision)
    arising = page.locator("li", has_text="Tell every service about the new schedule").inner_text()
    assert "Head of information governance, due 30 June 2026 (open)" in arising, arising
