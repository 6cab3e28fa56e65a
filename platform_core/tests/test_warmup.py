"""The web process's start-up work (platform_core/warmup.py)."""

from django.conf import settings
from django.urls import get_resolver

from platform_core.warmup import _own_template_dirs, warm


def test_warm_compiles_every_template_of_the_platform_and_builds_both_url_resolvers():
    result = warm()

    assert result["failed"] == []  # also: every template of the platform compiles
    on_disk = sum(len(list(folder.rglob("*.html"))) for folder in _own_template_dirs())
    assert result["templates"] == on_disk > 100
    for urlconf in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF):
        assert get_resolver(urlconf)._populated


def test_the_template_folders_are_the_platforms_own_not_the_libraries():
    folders = {str(folder) for folder in _own_template_dirs()}

    assert any(f.endswith("cms/templates") for f in folders)
    assert not any("site-packages" in f for f in folders)
