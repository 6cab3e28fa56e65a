"""Every table in the council admin's own templates scrolls sideways in a box of its own.

At 320 px the admin's <main> hides what overflows it, so a table wider than the screen has its
right-hand columns cut off (WCAG 1.4.10 reflow): the markets dashboard and the webhooks list
were. Each ``<table class="listing">`` sits directly in a scrolling region (Wagtail's
``w-overflow-x-auto``, or the records app's ``records-scroll``); the browser crawl
(tests/browser/test_crawl.py) sees the same on the screens it opens."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["platform_core", "tenants", "cms", "records", "intelligence", "commissioning", "billing"]
SCROLLS = re.compile(r'<div class="(?:w-overflow-x-auto|records-scroll)[^"]*"[^>]*>\s*$')


def unwrapped_tables() -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).glob("**/templates/**/*.html")):
            text = path.read_text()
            for match in re.finditer(r'<table class="listing"', text):
                if not SCROLLS.search(text[: match.start()]):
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{path.relative_to(ROOT)}:{line}")
    return found


def test_every_admin_listing_table_scrolls_in_its_own_box():
    assert unwrapped_tables() == []


def test_the_check_sees_an_unwrapped_table(tmp_path, monkeypatch):
    template = tmp_path / "demo" / "templates" / "demo" / "list.html"
    template.parent.mkdir(parents=True)
    template.write_text('<div class="nice-padding">\n  <table class="listing"></table>\n</div>\n')
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.APPS", ["demo"])
    assert unwrapped_tables() == ["demo/templates/demo/list.html:2"]
