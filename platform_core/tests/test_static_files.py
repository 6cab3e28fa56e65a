"""Static files in production and `make run`: fingerprinted names, gzip beside each file, and
WhiteNoise's ten-year immutable cache lifetime for them; before `collectstatic` the plain name
still works (no "Missing staticfiles manifest entry" on every page)."""

import gzip

from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.utils.functional import empty
from django.utils.module_loading import import_string

CSS = b".council-header { background: url('logo.svg'); }\n" * 40


def _storages(root):
    return {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "platform_core.storage.FingerprintedStaticFilesStorage"},
    }


def test_production_and_make_run_use_the_fingerprinting_storage():
    from platform_core.settings import base

    assert base.STORAGES["staticfiles"]["BACKEND"] == (
        "platform_core.storage.FingerprintedStaticFilesStorage"
    )


def _collect(tmp_path):
    source = tmp_path / "src"
    (source / "site").mkdir(parents=True)
    (source / "site" / "main.css").write_bytes(CSS)
    (source / "site" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    return source


def test_collected_files_are_fingerprinted_gzipped_and_cached_for_years(tmp_path):
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.templatetags.static import static

    source, root = _collect(tmp_path), tmp_path / "static_build"
    with override_settings(
        STATIC_ROOT=str(root),
        STATICFILES_DIRS=[str(source)],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STORAGES=_storages(root),
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
        DEBUG=False,
    ):
        assert static("site/main.css") == "/static/site/main.css"  # before collectstatic

        call_command("collectstatic", "--noinput", verbosity=0)
        staticfiles_storage._wrapped = empty  # load the manifest collectstatic wrote
        url = static("site/main.css")
        assert url != "/static/site/main.css" and url.startswith("/static/site/main.")
        hashed = root / url.removeprefix("/static/")
        assert gzip.decompress((hashed.parent / (hashed.name + ".gz")).read_bytes()).startswith(
            b".council-header"
        )
        assert "logo." in hashed.read_text() and "logo.svg" not in hashed.read_text()

        whitenoise = import_string("whitenoise.middleware.WhiteNoiseMiddleware")(lambda r: None)
        request = RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip, br")
        response = whitenoise(request)
        assert response.status_code == 200
        assert response["Cache-Control"] == "max-age=315360000, public, immutable"
        assert response["Content-Encoding"] == "gzip"
        plain = whitenoise(RequestFactory().get("/static/site/main.css"))
        assert "immutable" not in plain["Cache-Control"]
    staticfiles_storage._wrapped = empty
