"""Every page type renders with GOV.UK styling and the council's branding; bad input never 500s."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from cms.demo import page_of_every_type


@pytest.mark.django_db
def test_every_page_type_renders(site, anon_web):
    for name, page in page_of_every_type(site).items():
        response = anon_web.get(page.url)
        assert response.status_code == 200, (name, response.status_code)
        assert b"govuk-template" in response.content, name
        assert b"Skip to main content" in response.content
        assert page.title.encode() in response.content or name == "home"


@pytest.mark.django_db
def test_site_shows_council_branding(site, anon_web, web_council):
    home = anon_web.get("/")
    assert web_council.name.encode() in home.content
    assert b"contact@webham.example" in home.content
    css = anon_web.get("/branding.css")
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    assert b"#1d70b8" in css.content


@pytest.mark.django_db
def test_brand_colour_with_poor_contrast_is_refused(site):
    from cms.models import CouncilBranding

    branding = CouncilBranding.load()
    branding.brand_colour = "#ffdd00"  # yellow: white text on it is unreadable
    with pytest.raises(ValidationError) as exc:
        branding.full_clean()
    assert "contrast" in str(exc.value)
    branding.brand_colour = "#0b0c0c"
    branding.full_clean()


@pytest.mark.django_db
def test_service_page_has_start_button_and_home_has_typed_top_tasks(site, anon_web):
    service = anon_web.get(site["service"].url)
    assert b"govuk-button--start" in service.content
    assert b"https://example.org/missed-bin" in service.content
    home = anon_web.get("/")
    assert b">Action<" in home.content and b">Information<" in home.content


@pytest.mark.django_db
def test_guide_pages_have_contents_and_next_previous(site, anon_web):
    overview = anon_web.get(site["guide_overview"].url).content.decode()
    assert "Contents" in overview and "Council tax bands" in overview and 'rel="next"' in overview
    part = anon_web.get(site["guide"].url).content.decode()
    assert 'rel="prev"' in part and 'aria-current="page"' in part


@pytest.mark.django_db
def test_step_by_step_numbers_steps_and_links_pages(site, anon_web):
    body = anon_web.get(site["step_by_step"].url).content.decode()
    assert "Step 1: </span>Check you can get a permit" in body
    assert "Step 3: </span>Display your permit" in body
    assert site["libraries"].url not in body
    assert "/parking/residents-parking-permit/" in body


@pytest.mark.django_db
def test_event_offers_icalendar_download(site, anon_web):
    event = site["event"]
    page = anon_web.get(event.url)
    assert b"ical/" in page.content and b"Book a place" in page.content
    ical = anon_web.get(event.url + "ical/")
    assert ical.status_code == 200
    assert ical["Content-Type"].startswith("text/calendar")
    assert (
        b"BEGIN:VEVENT" in ical.content
        and b"SUMMARY:Storytime at the Central Library" in ical.content
    )
    assert b"LOCATION:Central Library" in ical.content


@pytest.mark.django_db
def test_event_must_end_after_it_starts(site):
    event = site["event"]
    event.end = event.start.replace(year=event.start.year - 1)
    with pytest.raises(ValidationError):
        event.full_clean()


@pytest.mark.django_db
def test_directory_filters_by_kind_category_and_text(site, anon_web):
    url = site["directory"].url
    venues = anon_web.get(url, {"kind": "venue"}).content.decode()
    assert "Central Library" in venues and "Friends of the Park" not in venues
    advice = anon_web.get(url, {"category": "Advice"}).content.decode()
    assert "Citizens Advice" in advice and "Central Library" not in advice
    text = anon_web.get(url, {"q": "bridge"}).content.decode()
    assert "Mill Lane Recycling Centre" in text and "1 result" in text


@pytest.mark.django_db
def test_a_to_z_lists_services_by_letter(site, anon_web):
    body = anon_web.get(site["a_to_z"].url).content.decode()
    assert 'id="letter-B"' in body and "Bins and recycling" in body
    assert "Report a missed bin" in body and "Community directory" not in body


@pytest.mark.django_db
def test_form_errors_show_govuk_error_summary(site, anon_web):
    url = site["form"].url
    response = anon_web.post(
        url, {"your_name": "", "email_address": "not-an-email", "your_feedback": ""}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and "There is a problem" in body
    assert 'href="#id_email_address"' in body
    assert "<title>Error: " in body


@pytest.mark.django_db
def test_form_submission_is_stored_and_emailed(site, anon_web):
    from wagtail.contrib.forms.models import FormSubmission

    url = site["form"].url
    response = anon_web.post(
        url, {"your_name": "Sam", "email_address": "sam@example.org", "your_feedback": "Great site"}
    )
    assert response.status_code == 200 and b"Thank you" in response.content
    assert FormSubmission.objects.filter(page=site["form"]).count() == 1
    assert len(mail.outbox) == 1 and "Great site" in mail.outbox[0].body
    assert mail.outbox[0].to == ["web@webham.example"]


@pytest.mark.django_db
def test_unknown_path_gives_branded_404(site, anon_web, web_council):
    response = anon_web.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content and web_council.name.encode() in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=99999",
        "page=-1",
        "page=%ff%fe",
        "kind=%00",
        "q=%zz",
        "category=&category=x",
        "past=1&page=0",
    ],
)
def test_bad_query_strings_never_give_500(site, anon_web, query):
    for key in ("newsroom", "events_index", "directory"):
        response = anon_web.get(f"{site[key].url}?{query}")
        assert response.status_code in (200, 400), (key, query, response.status_code)
    response = anon_web.get(f"/search/?q=bins&{query}")
    assert response.status_code in (200, 400), (query, response.status_code)


@pytest.mark.django_db
def test_robots_and_sitemap_name_the_council_host(site, anon_web, web_council):
    robots = anon_web.get("/robots.txt")
    assert robots.status_code == 200
    assert f"Sitemap: http://{web_council.primary_domain}/sitemap.xml" in robots.content.decode()
    sitemap = anon_web.get("/sitemap.xml")
    assert sitemap.status_code == 200
    sitemap.render()
    assert f"http://{web_council.primary_domain}/bins-and-recycling/".encode() in sitemap.content
    # Asked for on another port, over HTTPS: the addresses are on that origin, not the Site's.
    elsewhere = anon_web.get(
        "/sitemap.xml", HTTP_HOST=f"{web_council.primary_domain}:8443", secure=True
    )
    elsewhere.render()
    assert (
        f"<loc>https://{web_council.primary_domain}:8443/bins-and-recycling/</loc>".encode()
        in elsewhere.content
    )
    assert f"http://{web_council.primary_domain}/".encode() not in elsewhere.content


@pytest.mark.django_db
def test_security_headers_forbid_inline_scripts(site, anon_web):
    response = anon_web.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert b"<script>" not in response.content  # every script is a file


@pytest.mark.django_db
def test_redirects_are_per_council(site, anon_web, council_b):
    from django.test import Client
    from wagtail.contrib.redirects.models import Redirect

    Redirect.objects.create(old_path="/bins", redirect_page=site["service_landing"])
    response = anon_web.get("/bins")
    assert response.status_code == 301 and response["Location"].endswith("/bins-and-recycling/")
    other = Client(HTTP_HOST=council_b.primary_domain).get("/bins", follow=True)
    assert other.status_code == 404  # only the slash is appended; A's redirect is not B's


@pytest.mark.django_db
def test_password_protected_page_unlocks_with_its_password(site, anon_web):
    """Wagtail's unlock form posts to /_util/authenticate_with_password/...: it must reach
    Wagtail's view, not page serving (which answered 404 and left the page locked forever)."""
    from wagtail.models import PageViewRestriction

    page = site["service"]
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type="password", password="open-sesame"
    )
    locked = anon_web.get(page.url)
    assert b"open-sesame" not in locked.content
    action = f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"
    assert action.encode() in locked.content  # the unlock form posts here

    wrong = anon_web.post(action, {"password": "nope", "return_url": page.url})
    assert wrong.status_code == 200 and b"password" in wrong.content.lower()
    assert action.encode() in anon_web.get(page.url).content  # still locked

    right = anon_web.post(action, {"password": "open-sesame", "return_url": page.url})
    assert right.status_code == 302 and right["Location"] == page.url
    unlocked = anon_web.get(page.url)
    assert unlocked.status_code == 200
    assert page.title.encode() in unlocked.content and action.encode() not in unlocked.content
