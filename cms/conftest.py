"""Fixtures for the website tests: a small site built in council A (rolled back after each test)."""

import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def site_a(council_a, in_council):
    """Council A's home page with one page of every type under it."""
    from cms.demo import build_site

    with in_council(council_a):
        yield build_site(council_a)


@pytest.fixture
def tomorrow():
    return timezone.now() + datetime.timedelta(days=1)
