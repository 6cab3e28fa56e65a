"""Work a web process does once at start, so its first visitor does not pay for it.

Django builds URL resolvers and compiles templates lazily, on the first request that needs them:
with the platform's two URL configurations (every app's views imported) and its own templates,
that first request took seconds (3.9 s of "server response time" in Lighthouse's first page
after `make run`, under load). ``warm()`` does the same work at start: platform_core/wsgi.py
calls it after the application is built, in each gunicorn worker before it accepts requests.

Then ``freeze()``: everything loaded so far (Django, the apps, their modules and compiled
templates: about 340,000 objects) is moved out of the garbage collector's reach. Python's full
(oldest-generation) collection walks every tracked object; with the whole platform loaded each
one took 340-390 ms here, and it runs every so often in whatever request happens to be
allocating: the funding bench's ranking of 2,000 calls took a median of 46 ms and 270 ms in the
runs a collection landed in (p95 273 ms). Frozen, the collector skips what is loaded at start
(which lives as long as the process anyway); the same p95 was 118 ms. Celery workers freeze
too, when each worker process starts (platform_core/celery.py).
"""

import gc
import logging
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver

log = logging.getLogger(__name__)


def _own_template_dirs() -> list[Path]:
    """The template folders of the platform's own apps and its DIRS (not the libraries')."""
    base = Path(settings.BASE_DIR).resolve()
    dirs: list[Path] = []
    templates: list[dict] = settings.TEMPLATES
    for conf in templates:
        dirs.extend(Path(d) for d in conf.get("DIRS", []))
    for app in apps.get_app_configs():
        path = Path(app.path).resolve()
        if path.is_relative_to(base) and ".venv" not in path.parts:
            dirs.append(path / "templates")
    return [d for d in dirs if d.is_dir()]


def warm() -> dict:
    """Build both URL resolvers and compile the platform's own templates into the cached
    template loader. Returns what it did (counts and seconds) for the log."""
    started = time.perf_counter()
    routes = 0
    for urlconf in {settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF}:
        routes += len(get_resolver(urlconf).reverse_dict)  # imports every view, fills the resolver
    urls_done = time.perf_counter()
    engine = engines["django"]
    compiled, failed = 0, []
    for folder in _own_template_dirs():
        for file in sorted(folder.rglob("*.html")):
            name = file.relative_to(folder).as_posix()
            try:
                engine.get_template(name)
                compiled += 1
            except (TemplateDoesNotExist, TemplateSyntaxError) as error:
                failed.append(f"{name}: {error}")
    result = {
        "routes": routes,
        "templates": compiled,
        "failed": failed,
        "urls_seconds": round(urls_done - started, 2),
        "seconds": round(time.perf_counter() - started, 2),
    }
    if failed:
        log.warning("warmup.templates_failed", extra={"failed": failed})
    result["frozen"] = freeze()
    return result


def freeze() -> int:
    """Collect what is garbage now, then move every object the collector tracks into its
    permanent generation (``gc.freeze``), which later collections do not walk. Returns how
    many objects are frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
