"""/sitemap.xml: Wagtail's sitemap, with every address on the scheme, host and port the sitemap
was asked for. Wagtail writes a page's full address from its Site record (the council's
hostname, port 80), which is wrong for a council served on another port (``make run``'s :8000)
or over HTTPS behind a proxy; robots.txt already names the sitemap by the request's origin."""

from wagtail.contrib.sitemaps import Sitemap


class CouncilSitemap(Sitemap):
    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        site_root = self.get_wagtail_site().root_url
        origin = f"{self.request.scheme}://{self.request.get_host()}"
        for info in urls:
            location = info["location"]
            if location == site_root or location.startswith(site_root + "/"):
                info["location"] = origin + location[len(site_root) :]
        return urls
