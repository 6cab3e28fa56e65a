"""Council site views besides Wagtail's pages: cached page serving, search, robots, brand CSS."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail import views as wagtail_views
from wagtail.models import Page, Site

from cms import cache as page_cache

SEARCH_MAX_LENGTH = 200
SEARCH_PER_PAGE = 10


def serve(request, path):
    """Wagtail's page serving behind the council's anonymous page cache."""
    cacheable = page_cache.cacheable_request(request)
    if cacheable:
        cached = page_cache.get(request)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached
    response = wagtail_views.serve(request, path)
    if (
        cacheable
        and getattr(request, "_cms_cacheable_page", False)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
    ):
        page_cache.store(request, response)
    return response


@require_GET
def search(request):
    raw = request.GET.get("q", "")
    query = " ".join(raw.split())[:SEARCH_MAX_LENGTH]
    truncated = len(" ".join(raw.split())) > SEARCH_MAX_LENGTH
    results = Page.objects.none()
    site = Site.find_for_request(request)
    if query and site is not None:
        results = (
            Page.objects.live().public().descendant_of(site.root_page, inclusive=True).search(query)
        )
    paginator = Paginator(results, SEARCH_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page", "1"))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(max(paginator.num_pages, 1))
    context = {
        "query": query,
        "truncated": truncated,
        "results": page,
        "max_length": SEARCH_MAX_LENGTH,
        "query_prefix": f"{urlencode({'q': query})}&",
    }
    return render(request, "cms/search.html", context)


SITEMAP_MAX_PAGES = 2000


@require_GET
def sitemap_page(request):
    """The HTML sitemap (the footer's "Sitemap"): every live public page of the council's site as
    a tree, for people; /sitemap.xml stays for search engines."""
    site = Site.find_for_request(request)
    tree: list[dict] = []
    if site is not None:
        root = site.root_page
        pages = (
            Page.objects.live()
            .public()
            .descendant_of(root)
            .filter(depth__lte=root.depth + 4)
            .order_by("path")
            .only("id", "title", "path", "depth", "url_path")[:SITEMAP_MAX_PAGES]
        )
        nodes: dict[str, dict] = {}
        for page in pages:
            node = {"page": page, "children": []}
            parent = nodes.get(page.path[: -Page.steplen])
            if parent is not None:
                parent["children"].append(node)
            elif page.depth == root.depth + 1:
                tree.append(node)
            else:
                continue  # below a private or draft page: not listed
            nodes[page.path] = node
    context = {"home": site.root_page if site else None, "tree": tree}
    return render(request, "cms/sitemap.html", context)


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /api/",
        f"Sitemap: {request.scheme}://{request.get_host()}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(max_age=300, public=True)
def branding_css(request):
    """The council's brand colour as a stylesheet: the CSP allows no inline styles."""
    from cms.models import CouncilBranding

    colour = CouncilBranding.load(request_or_site=request).brand_colour or "#1d70b8"
    css = (
        f".council-header {{ background-color: {colour}; border-bottom: 10px solid {colour}; }}\n"
        f".govuk-footer {{ border-top-color: {colour}; }}\n"
    )
    return HttpResponse(css, content_type="text/css; charset=utf-8")
