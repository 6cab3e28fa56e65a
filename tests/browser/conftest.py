"""A live council website for the browser: a committed council with the demo site, served by an
in-process threaded WSGI server, driven by Debian's Chromium through Playwright."""

import os
import threading
from pathlib import Path

import pytest

BROWSER_COUNCIL = {
    "name": "Browserton Council",
    "slug": "browserton",
    "gss_code": "E06000978",
    "tier": "unitary",
    "region": "london",
}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


@pytest.fixture(scope="session")
def browser_site(django_db_setup, django_db_blocker):
    """(base URL, {page key: path}) of a committed demo site, served on a free port."""
    from django.core.cache import caches
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django_tenants.utils import schema_context
    from wagtail.models import Page

    from cms.testing import provision_site_council, remove_council

    with django_db_blocker.unblock():
        council, ids = provision_site_council(BROWSER_COUNCIL)
        with schema_context(council.schema_name):
            paths = {key: Page.objects.get(pk=pk).specific.url for key, pk in ids.items()}
    caches["default"].clear()

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=True)
    server.daemon_threads = True
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        with django_db_blocker.unblock():
            yield f"http://{council.primary_domain}:{port}", paths
    finally:
        server.shutdown()
        server.server_close()
        with django_db_blocker.unblock():
            from django.db import connections

            connections.close_all()
            remove_council(BROWSER_COUNCIL["slug"])


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (make browser installs it)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM in the server thread, not here
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # bypass_csp lets the test inject axe-core; the site itself sends a CSP with no inline scripts.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
