"""Council A's website objects for the isolation probe (see tests/isolation/probe.py)."""

import datetime

from django.utils import timezone
from wagtail.models import Page

from cms.models import (
    AdoptedPage,
    AlertBanner,
    DirectoryEntry,
    DirectoryPage,
    EventPage,
    EventsIndexPage,
    HomePage,
    ServicePage,
)
from tests.isolation.probe import MARKER


def seed(council) -> dict:
    home = HomePage.objects.get(depth=2)
    # Pages beyond anything council B has, so their ids exist only in A.
    pages = [
        home.add_child(instance=Page(title=f"{MARKER} page {i}", slug=f"probe-{i}", live=True))
        for i in range(5)
    ]
    service = home.add_child(
        instance=ServicePage(
            title=f"{MARKER} service", slug="probe-service", summary=MARKER, live=True
        )
    )
    events = home.add_child(
        instance=EventsIndexPage(title=f"{MARKER} events", slug="probe-events", live=True)
    )
    now = timezone.now()
    event = events.add_child(
        instance=EventPage(
            title=f"{MARKER} event",
            slug="probe-event",
            venue=MARKER,
            live=True,
            start=now + datetime.timedelta(days=1),
            end=now + datetime.timedelta(days=1, hours=1),
        )
    )
    directory = DirectoryPage(title=f"{MARKER} directory", slug="probe-directory", live=True)
    directory.entries = [DirectoryEntry(name=f"{MARKER} venue", kind="venue", category=MARKER)]
    home.add_child(instance=directory)
    alert = AlertBanner.objects.create(title=f"{MARKER} alert", message=MARKER, site_wide=True)
    adoption = AdoptedPage.objects.create(
        page=service, template_id=987654, source_council_name=MARKER, adopted_version=1
    )
    secret = pages[-1]
    secret.save_revision()
    for page in (service, event):
        page.save_revision()
    return {
        "*": {
            "__int__": secret.id,
            "page_id": secret.id,
            "parent_page_id": secret.id,
            "pk": secret.id,
            "id": secret.id,
            "adoption_id": adoption.pk,
        },
        "wagtailsnippets_cms_alertbanner:edit": {"pk": alert.pk},
        "wagtailsnippets_cms_alertbanner:delete": {"pk": alert.pk},
        "wagtailsnippets_cms_alertbanner:history": {"pk": alert.pk},
        "wagtailsnippets_cms_alertbanner:usage": {"pk": alert.pk},
        "wagtailsnippets_cms_alertbanner:copy": {"pk": alert.pk},
        "wagtailsnippets_cms_alertbanner:history_results": {"pk": alert.pk},
        "wagtailsnippetchoosers_cms_alertbanner:chosen": {"pk": alert.pk},
        "cms_commons_share": {"page_id": service.pk},
        "event_ical": {"pk": event.pk},
    }
