"""The council site's public URLs; included last by platform_core.urls_tenant."""

from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.contrib.sitemaps.views import sitemap

from cms import views

urlpatterns = [
    path("search/", views.search, name="cms_search"),
    path("robots.txt", views.robots_txt, name="cms_robots"),
    path("sitemap.xml", sitemap, name="cms_sitemap"),
    path("branding.css", views.branding_css, name="cms_branding_css"),
    # Wagtail's own pattern for pages, served through the council's page cache.
    re_path(r"^((?:[\w\-]+/)*)$", views.serve, name="wagtail_serve"),
]

# Wagtail's helpers (password-protected pages, front-end login) and its serve pattern as fallback.
urlpatterns += [path("", include(wagtail_urls))]
