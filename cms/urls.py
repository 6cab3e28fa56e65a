"""The council site's public URLs; included last by platform_core.urls_tenant."""

from django.urls import path, re_path
from wagtail import urls as wagtail_urls
from wagtail.contrib.sitemaps.views import sitemap

from cms import views
from cms.sitemaps import CouncilSitemap

# Wagtail's helpers (unlocking a password-protected page, front-end sign-in) come before page
# serving: the serve pattern matches ``_util/...`` too, and would answer 404 for them.
wagtail_helpers = [p for p in wagtail_urls.urlpatterns if p.name != "wagtail_serve"]

urlpatterns = [
    path("search/", views.search, name="cms_search"),
    path("robots.txt", views.robots_txt, name="cms_robots"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": CouncilSitemap}}, name="cms_sitemap"),
    path("sitemap/", views.sitemap_page, name="cms_sitemap_page"),
    path("branding.css", views.branding_css, name="cms_branding_css"),
    *wagtail_helpers,
    # Wagtail's own pattern for pages, served through the council's page cache.
    re_path(r"^((?:[\w\-]+/)*)$", views.serve, name="wagtail_serve"),
]
