"""Council B's site and admin never show council A's (here: Webham's) website objects."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_another_councils_page_paths_are_simply_missing(site, council_b):
    anon_b = Client(HTTP_HOST=council_b.primary_domain)
    missing = anon_b.get("/no-such-page-anywhere/")
    assert missing.status_code == 404
    for key in ("service", "event", "directory", "form", "news_article", "guide"):
        response = anon_b.get(site[key].url)
        assert response.status_code == missing.status_code, key
        assert site[key].title.encode() not in response.content
    assert anon_b.get(site["event"].url + "ical/").status_code == 404


@pytest.mark.django_db
def test_another_councils_alerts_and_branding_are_not_shown(site, council_b):
    anon_b = Client(HTTP_HOST=council_b.primary_domain)
    home = anon_b.get("/")
    assert home.status_code == 200
    assert b"Bin collections over the holidays" not in home.content
    assert b"contact@webham.example" not in home.content


@pytest.mark.django_db
def test_another_councils_admin_objects_are_missing(site, client_b):
    from cms.models import AlertBanner

    alert = AlertBanner.objects.get(title="Bin collections over the holidays")
    for path in (
        f"/admin/pages/{site['service'].pk}/edit/",
        f"/admin/snippets/cms/alertbanner/edit/{alert.pk}/",
        f"/admin/commons/share/{site['service'].pk}/",
    ):
        a = client_b.get(path)
        missing = client_b.get(
            path.replace(str(site["service"].pk), "987654321").replace(
                f"/{alert.pk}/", "/987654321/"
            )
        )
        assert a.status_code == missing.status_code, path
        assert b"Report a missed bin" not in a.content
