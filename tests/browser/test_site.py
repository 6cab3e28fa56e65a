"""The council website in a real browser: every page type, keyboard, skip link, alerts, search,
and axe-core at WCAG 2.2 AA on one page of every type."""

from pathlib import Path

import pytest

from cms.demo import page_of_every_type

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGE_TYPES = [
    "home",
    "service_landing",
    "service_sub_landing",
    "service",
    "guide_overview",
    "guide",
    "step_by_step",
    "newsroom",
    "news_article",
    "events_index",
    "event",
    "directory",
    "services_directory",
    "contact",
    "a_to_z",
    "form",
    "information",
]


# Every short animation and CSS transition on the page has finished (long or endless decorative
# ones, such as the admin's menu badge pulsing for 25 s, are left out).
ANIMATIONS_DONE = """() => document.getAnimations().every((animation) =>
  animation.playState !== "running"
  || !(animation.effect?.getComputedTiming().endTime <= 2000))"""


# What is drawn past the right edge of the window and so cut off (WCAG 1.4.10 reflow): the admin's
# <main> hides what overflows it sideways, so the page's own scroll width does not show it.
# Content in a box of its own that scrolls (a wide table in a scrolling region) is not cut off,
# nor is anything not drawn (hidden, transparent, or of no size).
CUT_OFF = """() => {
  const edge = document.documentElement.clientWidth + 1;
  const scrolls = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  const unseen = (el) => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).opacity === "0") return true;
    }
    return false;
  };
  return [...document.querySelectorAll("main *")]
    .filter((el) => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && box.right > edge && box.left < edge
        && getComputedStyle(el).visibility !== "hidden" && !scrolls(el)
        && !el.closest(".w-minimap")  // Wagtail's minimap: folded away to the right until opened
        && !unseen(el);
    })
    .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")}`
      + ` (${Math.round(el.getBoundingClientRect().right)} px)`)
    .slice(0, 10);
}"""


def _axe_violations(page):
    # Once the page has stopped moving: axe measures what is drawn at that instant, and a
    # control caught mid-transition fails (after page.fill the admin runs opacity and position
    # transitions; axe then reported a panel toggle's target size in CI, and did so again when
    # run at that moment here).
    page.wait_for_function(ANIMATIONS_DONE, timeout=10_000)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_page_type_renders_and_passes_axe(browser_site, page, screenshots_dir, page_type):
    base, paths = browser_site
    response = page.goto(base + paths[page_type])
    assert response.status == 200
    assert page.locator("h1").count() >= 1
    assert page.locator("link[href*='govuk-frontend']").count() == 1
    page.screenshot(path=str(screenshots_dir / f"{page_type}.png"), full_page=True)
    assert _axe_violations(page) == []


def test_every_page_type_is_covered(browser_site):
    assert set(PAGE_TYPES) == set(page_of_every_type({k: k for k in PAGE_TYPES}))


def test_skip_link_is_first_and_moves_focus_to_main(browser_site, page):
    base, _ = browser_site
    page.goto(base + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_keyboard_reaches_every_control(browser_site, page, page_type):
    base, paths = browser_site
    page.goto(base + paths[page_type])
    controls = set(
        page.evaluate(
            """() => Array.from(document.querySelectorAll('a[href], button, input, select, textarea'))
              .filter(el => !el.disabled && el.offsetParent !== null && el.type !== 'hidden')
              .map((el, i) => {
                // A radio group is one tab stop; arrow keys move between its options.
                el.dataset.kbd = el.type === 'radio' ? `radio-${el.name}` : String(i);
                return el.dataset.kbd;
              })"""
        )
    )
    reached = set()
    for _ in range(len(controls) * 2 + 10):
        page.keyboard.press("Tab")
        key = page.evaluate("document.activeElement && document.activeElement.dataset.kbd")
        if key is not None:
            reached.add(key)
        if reached >= controls:
            break
    missing = page.evaluate(
        "(keys) => keys.map(k => document.querySelector(`[data-kbd='${k}']`).outerHTML.slice(0, 120))",
        sorted(controls - reached),
    )
    assert missing == []


def test_alert_can_be_dismissed_and_stays_dismissed(browser_site, page):
    base, paths = browser_site
    page.goto(base + "/")
    banner = page.locator("[data-alert-key]").first
    assert banner.is_visible()
    page.get_by_role("button", name="Hide this message").first.click()
    assert not banner.is_visible()
    page.goto(base + paths["service"])
    assert not page.locator("[data-alert-key]").first.is_visible()


def test_search_from_the_header_finds_services(browser_site, page):
    base, _ = browser_site
    page.goto(base + "/")
    page.get_by_label("Search this site").fill("missed bin")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.get_by_role("link", name="Report a missed bin").is_visible()
    assert _axe_violations(page) == []


def test_form_errors_are_summarised_and_linked(browser_site, page):
    base, paths = browser_site
    page.goto(base + paths["form"])
    page.get_by_role("button", name="Send").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    # Each message names its field, GOV.UK style, and leads to it.
    listed = summary.locator("ul li").all_inner_texts()
    assert {"Enter your name", "Enter your email address", "Enter your feedback"} <= set(listed)
    assert not any("This field is required" in m for m in listed), listed
    summary.get_by_role("link", name="Enter your email address").click()
    assert page.evaluate("document.activeElement.id") == "id_email_address"
    inline = page.locator(".govuk-form-group--error:has(#id_email_address) .govuk-error-message")
    assert inline.inner_text().split(":", 1)[-1].strip() == "Enter your email address"
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_role("button", name="Send").click()
    assert (
        page.locator(".govuk-error-summary li")
        .filter(has_text="Enter an email address in the correct format, like name@example.com")
        .count()
        == 1
    )
    assert _axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert _axe_violations(page) == []


def test_an_event_gives_its_times_the_govuk_way(browser_site, page):
    """Times as "10:49pm", "9am", "midday": never "p.m." or a 24-hour clock."""
    import re

    base, paths = browser_site
    page.goto(base + paths["event"])
    when = page.locator(".govuk-summary-list__row", has_text="Date").locator("dd").inner_text()
    time = r"(\d{1,2}(:\d\d)?(am|pm)|midday|midnight)"
    assert re.fullmatch(
        rf"[A-Z][a-z]+day \d{{1,2}} [A-Z][a-z]+ 20\d\d, {time} to .*{time}", when
    ), when
    assert not re.search(r"[ap]\.m\.|\b\d\d:\d\d\b", when), when


@pytest.mark.parametrize("page_type", [*PAGE_TYPES, "search", "not_found"])
def test_page_reflows_at_320px_without_horizontal_scrolling(
    browser_site, page, screenshots_dir, page_type
):
    """WCAG 1.4.10 reflow: at 320 CSS px nothing (the header search above all) overflows."""
    base, paths = browser_site
    path = {"search": "/search/?q=bin", "not_found": "/no/such/page/"}.get(page_type)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(base + (path or paths[page_type]))
    assert page.locator("#site-search").is_visible()
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    page.screenshot(path=str(screenshots_dir / f"{page_type}-320.png"), full_page=True)
    assert widths[0] <= 320, widths
    assert _axe_violations(page) == []
