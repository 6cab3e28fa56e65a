"""The Nu HTML Checker (the W3C validator, npm `vnu-jar`, run on the machine's Java) reports no
errors on the council website: every page type, search, the A to Z and sitemap pages, the 404
page and the suspended council's 503 page are fetched from the live site and checked in one run.

Each message is reported with the page, line and text, so a failure says what to fix."""

import http.client
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .test_site import PAGE_TYPES

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

VNU = (
    Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)
EXTRA_PATHS = {
    "search": "/search/?q=bin",
    "search_empty": "/search/?q=zzzzqqq",
    "not_found": "/no/such/page/",
    "sitemap_html": "/sitemap/",
}


def _fetch(url: str) -> tuple[int, bytes]:
    """GET ``url`` from the local server with its Host header (``*.localhost`` names resolve in
    the browser, not in Python's resolver)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=60)
    try:
        connection.request(
            "GET",
            parts.path + (f"?{parts.query}" if parts.query else ""),
            headers={"Host": parts.netloc},
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def run_vnu(files: list[Path]) -> list[dict]:
    """The checker's messages for ``files`` (JSON output; errors and warnings)."""
    java = shutil.which("java")
    if java is None or not VNU.exists():
        pytest.skip("the Nu HTML Checker needs Java and `npm ci` (vnu-jar)")
    done = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return json.loads(done.stderr or done.stdout)["messages"]


def test_the_checker_finds_errors_in_invalid_html(tmp_path):
    """The run below can fail: a page with a stray end tag and a duplicate id is reported."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
        '<body><p id="a">one</p><p id="a">two</div></body></html>'
    )
    errors = [m for m in run_vnu([bad]) if m["type"] == "error"]
    assert any("Duplicate ID" in m["message"] for m in errors), errors
    assert any("div" in m["message"] for m in errors), errors


def test_the_council_website_has_no_html_errors(browser_site, tmp_path):
    base, paths = browser_site
    targets = {name: paths[name] for name in PAGE_TYPES} | EXTRA_PATHS
    files = {}
    for name, path in targets.items():
        status, body = _fetch(base + path)
        assert status < 500, (name, status)
        files[name] = tmp_path / f"{name}.html"
        files[name].write_bytes(body)
    by_file = {f"file:{p}": name for name, p in files.items()}
    errors = [
        f"{by_file.get(m.get('url'), m.get('url'))}:{m.get('lastLine')}: {m['message']}"
        for m in run_vnu(list(files.values()))
        if m["type"] == "error"
    ]
    assert errors == []
