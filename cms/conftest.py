"""Fixtures for the website tests: a council with the demo site built once per session."""

import pytest
from django.test import Client


@pytest.fixture(scope="session")
def web_site_ids(django_db_setup, django_db_blocker):
    from cms.testing import provision_site_council, remove_council

    with django_db_blocker.unblock():
        council, ids = provision_site_council()
    yield council.pk, ids
    with django_db_blocker.unblock():
        remove_council(council.slug)


@pytest.fixture
def web_council(db, web_site_ids):
    from tenants.models import Council

    return Council.objects.get(pk=web_site_ids[0])


@pytest.fixture
def site(web_council, web_site_ids, in_council):
    """{page key: specific page} of the web council's site; the test runs in its schema."""
    from wagtail.models import Page

    with in_council(web_council):
        yield {key: Page.objects.get(pk=pk).specific for key, pk in web_site_ids[1].items()}


@pytest.fixture
def anon_web(web_council):
    return Client(HTTP_HOST=web_council.primary_domain)


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """The page cache outlives each test's rolled-back transaction: start every test empty."""
    from django.core.cache import caches

    caches["default"].clear()
    yield
    caches["default"].clear()
