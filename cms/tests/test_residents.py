"""Residents: a suspended council's 503 page (styled, no dead links, the council's contact
details), GOV.UK error messages that name the field, and times written "10:49pm"."""

import datetime
import re

import pytest
from django.test import Client

from platform_core import govuk


def test_times_are_written_the_govuk_way():
    t = datetime.time
    assert govuk.time(t(22, 49)) == "10:49pm"
    assert govuk.time(t(9, 0)) == "9am"
    assert govuk.time(t(12, 0)) == "midday"
    assert govuk.time(t(0, 0)) == "midnight"
    assert govuk.time(t(0, 5)) == "12:05am"
    assert govuk.time(t(12, 30)) == "12:30pm"


@pytest.mark.django_db
def test_an_event_shows_its_times_as_10_49pm(site, anon_web):
    from django.utils import timezone

    event = site["event"]
    start = timezone.make_aware(datetime.datetime(2027, 3, 4, 22, 49))
    event.start, event.end = start, start + datetime.timedelta(minutes=30)
    event.save_revision().publish()
    body = anon_web.get(event.url).content.decode()
    assert "Thursday 4 March 2027, 10:49pm to 11:19pm" in body
    assert "p.m." not in body


def test_error_messages_name_the_field():
    assert govuk.error_messages("Email address", "email") == {
        "required": "Enter your email address",
        "invalid": "Enter an email address in the correct format, like name@example.com",
    }
    assert govuk.error_messages("Your name", "text")["required"] == "Enter your name"
    assert govuk.error_messages("Ward", "choice")["required"] == "Select your ward"


@pytest.mark.django_db
def test_form_page_errors_name_the_field_govuk_style(site, anon_web):
    form = site["form"]
    anon_web.get(form.url)
    body = anon_web.post(form.url, {"email_address": "not-an-email"}).content.decode()
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', body, re.S).group(1)
    assert "Enter your name" in summary
    assert "Enter an email address in the correct format, like name@example.com" in summary
    assert "Enter your feedback" in summary
    assert "This field is required" not in body
    body = anon_web.post(form.url, {}).content.decode()
    assert '<a href="#id_email_address">Enter your email address</a>' in body


@pytest.fixture
def suspended(web_council):
    from tenants import actions

    actions.suspend_council(web_council, reason="test")
    yield web_council
    actions.reactivate_council(web_council)


@pytest.mark.django_db
def test_suspended_page_shows_contact_details_and_links_nowhere_dead(site, suspended):
    from cms.models import CouncilBranding

    branding = CouncilBranding.objects.get()  # the demo's: 01234 567000, contact@webham.example
    client = Client(HTTP_HOST=suspended.primary_domain)
    response = client.get("/council-tax/")
    body = response.content.decode()
    assert response.status_code == 503
    assert f"Sorry, {suspended.name}'s website is unavailable" in body
    assert branding.contact_phone in body and f"mailto:{branding.contact_email}" in body
    assert "High Street" in body
    links = re.findall(r'href="([^"]+)"', body)
    pages = [h for h in links if not h.startswith(("/static/", "#", "mailto:"))]
    assert pages == [], pages  # no link to the site, its search, A to Z or sitemap
    assert "/branding.css" not in body and 'action="/search/"' not in body
    # The page's own stylesheet and favicon are served.
    for href in links:
        if href.startswith("/static/"):
            assert client.get(href).status_code == 200, href
    assert client.get("/assets/images/govuk-crest.svg").status_code in (200, 404)
    assert client.get("/static/no-such-file.css").status_code == 404
    assert client.get("/admin/").status_code == 503
