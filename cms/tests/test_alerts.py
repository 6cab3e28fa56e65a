"""Alert banners: four types, site-wide or per page, scheduled, dismissible."""

import datetime

import pytest
from django.utils import timezone

from cms.models import AlertBanner, AlertType


def test_there_are_four_alert_types():
    assert set(AlertType.values) == {"announcement", "minor", "major", "notable_death"}


@pytest.mark.django_db
def test_site_wide_alert_shows_on_every_page_with_dismiss_button(site, anon_web):
    for key in ("home", "service", "contact"):
        body = anon_web.get(site[key].url).content.decode()
        assert "Bin collections over the holidays" in body
        assert "council-alert__dismiss" in body and "cms/alerts.js" in body


@pytest.mark.django_db
def test_page_alert_shows_only_on_chosen_pages(site, anon_web):
    AlertBanner.objects.all().delete()
    alert = AlertBanner.objects.create(
        title="Payment system down", alert_type=AlertType.MAJOR, site_wide=False
    )
    alert.pages.set([site["pay_council_tax"]])
    alert.save()
    assert b"Payment system down" in anon_web.get(site["pay_council_tax"].url).content
    assert b"Payment system down" not in anon_web.get(site["home"].url).content


@pytest.mark.django_db
def test_scheduled_alerts_show_only_between_start_and_end(site, anon_web):
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    AlertBanner.objects.create(title="Future alert", starts_at=now + hour)
    AlertBanner.objects.create(title="Past alert", starts_at=now - 2 * hour, ends_at=now - hour)
    AlertBanner.objects.create(
        title="Current alert",
        starts_at=now - hour,
        ends_at=now + hour,
        alert_type=AlertType.NOTABLE_DEATH,
    )
    body = anon_web.get("/").content.decode()
    assert "Current alert" in body and "Future alert" not in body and "Past alert" not in body
    assert "council-alert--notable_death" in body


@pytest.mark.django_db
def test_alert_end_must_follow_start(site):
    from django.core.exceptions import ValidationError

    now = timezone.now()
    with pytest.raises(ValidationError):
        AlertBanner(title="x", starts_at=now, ends_at=now).full_clean()


@pytest.mark.django_db
def test_edited_alert_gets_a_new_dismiss_key(site):
    alert = AlertBanner.objects.get(title="Bin collections over the holidays")
    before = alert.dismiss_key
    alert.updated_at = alert.updated_at - datetime.timedelta(minutes=5)
    AlertBanner.objects.filter(pk=alert.pk).update(updated_at=alert.updated_at)
    alert.refresh_from_db()
    assert alert.dismiss_key != before


@pytest.mark.django_db
def test_major_alert_looks_urgent_not_like_a_success(site, anon_web):
    """GOV.UK's success banner is green and reads as good news: a major alert is red instead."""
    import re

    AlertBanner.objects.all().delete()
    AlertBanner.objects.create(title="Flooding on the ring road", alert_type=AlertType.MAJOR)
    body = anon_web.get(site["home"].url).content.decode()
    banner = re.search(r'<div class="(govuk-notification-banner[^"]*)"[^>]*data-alert-key', body)
    assert banner is not None
    classes = banner.group(1).split()
    assert "council-alert--major" in classes
    assert "govuk-notification-banner--success" not in classes
    from django.contrib.staticfiles import finders

    css = open(finders.find("cms/site.css")).read()
    assert re.search(r"\.council-alert--major \{[^}]*background-color: #d4351c", css)
