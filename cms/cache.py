"""The anonymous page cache, one per council.

Keys carry the council's schema twice over: the cache aliases use ``django_tenants.cache.make_key``
and the key itself names the host. Invalidation is by generation: every publish, unpublish, move,
delete, alert or branding change bumps the council's generation number, so every cached page of
that council (and only that council) is missed from then on and expires on its own.
"""

import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

log = logging.getLogger(__name__)

GENERATION_KEY = "cms:page-cache:generation"
# The query parameters the site's own pages use, and the shape of a value worth a cache entry.
# Free text (the directory's "q") is never cached: every new string would be a new entry.
CACHEABLE_PARAMETERS = {
    "page": re.compile(r"[1-9][0-9]{0,3}"),
    "past": re.compile(r"1"),
    "kind": re.compile(r"[a-z][a-z-]{0,39}"),
    "category": re.compile(r"[^\x00-\x1f\x7f]{1,80}"),
}
MAX_VALUES_PER_PARAMETER = {"category": 5}


def _cache():
    return caches[getattr(settings, "CMS_PAGE_CACHE_ALIAS", "default")]


def page_cache_enabled() -> bool:
    return getattr(settings, "CMS_PAGE_CACHE_SECONDS", 300) > 0


def generation() -> int | None:
    """The council's page-cache generation; None when the shared cache cannot be reached (the
    page is then served uncached: no entry is read or written under a guessed generation)."""
    cache = _cache()
    value = cache.get(GENERATION_KEY)
    if value is None:
        if not cache.add(GENERATION_KEY, 1, timeout=None):
            value = cache.get(GENERATION_KEY)  # another process made it, or Redis is down
            if value is None:
                return None
        else:
            value = 1
    return value


def invalidate() -> None:
    """Forget every cached page of the current council. Runs after a commit: it never raises
    (a publish that committed is a success). When the cache cannot be reached, the entries it
    holds are not served either; should it come back with them, they expire within
    ``CMS_PAGE_CACHE_SECONDS``."""
    from platform_core.cache import CacheUnavailable

    cache = _cache()
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, 2, timeout=None)
    except CacheUnavailable:
        log.warning(
            "page cache: could not invalidate %s (cache unavailable)", connection.schema_name
        )
    except Exception:
        log.exception("page cache: could not invalidate %s", connection.schema_name)


def cache_key(request) -> str | None:
    current = generation()
    if current is None:
        return None
    raw = f"{request.get_host()}|{request.get_full_path()}"
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"cms:page:{connection.schema_name}:{current}:{digest}"


def cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or not page_cache_enabled():
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # maybe signed in (staff previews, admin users): never cached
    # Only the parameters the site's own pages use, with values of the right shape: arbitrary
    # query strings must not be able to fill the cache with copies of the same page.
    for name, values in request.GET.lists():
        pattern = CACHEABLE_PARAMETERS.get(name)
        if pattern is None or len(values) > MAX_VALUES_PER_PARAMETER.get(name, 1):
            return False
        if not all(pattern.fullmatch(value) for value in values):
            return False
    return True


def note_parameter(request, name: str, value: str) -> None:
    """A page says it used this query parameter value as given (``paginate`` for a page number
    that exists, the directory for a kind or category it has, events for ``past=1``). An answer
    is cached only if every parameter of the request was used this way, so ``?page=abc7`` or
    ``?page=9999`` (served as page 1 or the last page) never makes an entry of its own."""
    if not hasattr(request, "_cms_parameters_used"):
        request._cms_parameters_used = {}
    request._cms_parameters_used.setdefault(name, []).append(value)


def never_cache(request) -> None:
    """A page says its answer depends on data that changes outside page publishing (the
    directory of services), so it is not kept in the page cache."""
    request._cms_never_cache = True


def parameters_all_used(request) -> bool:
    used = getattr(request, "_cms_parameters_used", {})
    return all(sorted(values) == sorted(used.get(name, [])) for name, values in request.GET.lists())


def get(request):
    key = cache_key(request)
    return None if key is None else _cache().get(key)


def store(request, response) -> None:
    """Keep an anonymous 200 answer that sets no cookies, for at most the configured time and never
    past the next scheduled alert change."""
    if (
        response.status_code != 200
        or response.cookies
        or response.has_header("Vary")
        and "Cookie" in response["Vary"]
    ):
        return
    if getattr(response, "streaming", False) or getattr(request, "_cms_never_cache", False):
        return
    if not parameters_all_used(request):
        return
    timeout = getattr(settings, "CMS_PAGE_CACHE_SECONDS", 300)
    timeout = min(timeout, _seconds_to_next_alert_change(timeout))
    if timeout <= 0:
        return
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    key = cache_key(request)
    if key is None:
        return
    response["X-Page-Cache"] = "miss"
    _cache().set(key, response, timeout)


def _seconds_to_next_alert_change(default: int) -> int:
    from cms.models import AlertBanner

    now = timezone.now()
    upcoming = []
    for starts, ends in AlertBanner.objects.filter().values_list("starts_at", "ends_at"):
        upcoming += [t for t in (starts, ends) if t and t > now]
    if not upcoming:
        return default
    return max(1, int((min(upcoming) - now).total_seconds()))
