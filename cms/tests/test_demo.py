"""Demo content: every page type, and safe to run again."""

import pytest
from wagtail.models import Page

from cms.demo import page_of_every_type, seed_demo
from cms.models import AlertBanner


@pytest.mark.django_db
def test_seed_demo_is_idempotent(site, web_council):
    pages_before = Page.objects.count()
    alerts_before = AlertBanner.objects.count()
    seed_demo(web_council)
    assert Page.objects.count() == pages_before
    assert AlertBanner.objects.count() == alerts_before


@pytest.mark.django_db
def test_demo_has_the_services_councils_expect(site):
    titles = set(Page.objects.values_list("title", flat=True))
    assert {"Bins and recycling", "Council tax", "Parking", "Libraries"} <= titles
    assert len(page_of_every_type(site)) == 17


@pytest.mark.django_db
def test_share_button_and_confirmation_for_own_page(site, web_council, staff_client_factory):
    client = staff_client_factory(web_council)
    edit = client.get(f"/admin/pages/{site['service'].pk}/edit/")
    assert edit.status_code == 200 and b"/admin/commons/share/" in edit.content
    confirm = client.get(f"/admin/commons/share/{site['service'].pk}/")
    assert confirm.status_code == 200 and b"Report a missed bin" in confirm.content
    shared = client.post(f"/admin/commons/share/{site['service'].pk}/")
    assert shared.status_code == 302
