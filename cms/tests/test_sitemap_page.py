"""The HTML sitemap (the footer's "Sitemap" link): every live public page as a tree; drafts and
private pages (and what sits below them) are not listed; every page has a meta description and
the home page's title does not repeat the council's name."""

import re

import pytest


@pytest.mark.django_db
def test_the_sitemap_lists_live_public_pages_as_a_tree(site, anon_web):
    from wagtail.models import PageViewRestriction

    service = site["service"]
    private = site["news_article"]
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    service.unpublish()
    response = anon_web.get("/sitemap/")
    assert response.status_code == 200
    html = response.content.decode()
    html = html[html.index("<h1") :]  # the sitemap itself, not the header and navigation
    assert f'href="{site["service_landing"].url}"' in html
    assert f'href="{site["newsroom"].url}"' in html
    assert f'href="{site["a_to_z"].url}"' in html
    assert service.title not in html
    assert f'href="{private.url}"' not in html
    # A child is listed inside its parent's list.
    landing = html.index(f'href="{site["service_landing"].url}"')
    sub = html.index(f'href="{site["service_sub_landing"].url}"')
    assert landing < sub and "<ul" in html[landing:sub]


@pytest.mark.django_db
def test_footer_links_to_the_html_sitemap(site, anon_web):
    html = anon_web.get("/").content.decode()
    assert 'href="/sitemap/">Sitemap</a>' in html


@pytest.mark.django_db
def test_every_page_has_a_description_and_the_home_title_names_the_council_once(
    site, anon_web, web_council
):
    for key in ("home", "service", "a_to_z", "directory", "newsroom"):
        html = anon_web.get(site[key].url).content.decode()
        assert re.search(r'<meta name="description" content="[^"]{10,}">', html), key
        assert '<link rel="icon"' in html
    sitemap = anon_web.get("/sitemap/").content.decode()
    assert '<meta name="description" content="Every page of this website' in sitemap
    title = re.search(r"<title>(.*?)</title>", anon_web.get("/").content.decode(), re.S)[1]
    assert title.strip().count(web_council.name.split()[0]) == 1, title


@pytest.mark.django_db
def test_the_home_page_links_every_top_level_page_and_the_participation_pages(site, anon_web):
    html = anon_web.get("/").content.decode()
    for key in ("events_index", "directory", "newsroom", "form", "contact", "a_to_z"):
        if site[key].get_parent().specific_class.__name__ == "HomePage":
            assert f'href="{site[key].url}"' in html, key
    for path in ("/participate/", "/priorities/", "/opportunities/"):
        assert f'href="{path}"' in html
        assert anon_web.get(path).status_code == 200, path
