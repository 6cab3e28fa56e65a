"""Council A's website objects for the isolation probe (see tests/isolation/probe.py)."""

from wagtail.models import Page

from cms.models import HomePage
from tests.isolation.probe import MARKER


def seed(council) -> dict:
    home = HomePage.objects.get(depth=2)
    # Pages beyond anything council B has, so their ids exist only in A.
    pages = [
        home.add_child(instance=Page(title=f"{MARKER} page {i}", slug=f"probe-{i}", live=True))
        for i in range(5)
    ]
    secret = pages[-1]
    secret.save_revision()
    return {
        "*": {
            "__int__": secret.id,
            "page_id": secret.id,
            "parent_page_id": secret.id,
            "pk": secret.id,
            "id": secret.id,
        },
    }
