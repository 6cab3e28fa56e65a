"""The web process's start-up work (platform_core/warmup.py)."""

from django.conf import settings
from django.urls import get_resolver

from platform_core.warmup import _own_template_dirs, warm


def test_warm_compiles_every_template_of_the_platform_and_builds_both_url_resolvers():
    import gc

    try:
        result = warm()
    finally:
        gc.unfreeze()  # warm() freezes (below); the test process goes on as before

    assert result["failed"] == []  # also: every template of the platform compiles
    on_disk = sum(len(list(folder.rglob("*.html"))) for folder in _own_template_dirs())
    assert result["templates"] == on_disk > 100
    assert result["frozen"] > 10_000
    for urlconf in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF):
        assert get_resolver(urlconf)._populated


def test_the_template_folders_are_the_platforms_own_not_the_libraries():
    folders = {str(folder) for folder in _own_template_dirs()}

    assert any(f.endswith("cms/templates") for f in folders)
    assert not any("site-packages" in f for f in folders)


def test_freeze_moves_what_is_loaded_out_of_the_collectors_reach():
    import gc

    from platform_core.warmup import freeze

    try:
        frozen = freeze()
        # Frozen objects leave the permanent generation only when they are freed, which other
        # threads of the test process (pytest-xdist's channel) may do at any moment: a few, never
        # more than were frozen.
        assert frozen >= gc.get_freeze_count() > frozen - 1_000
        assert frozen > 10_000  # Django and the apps, at least
        # A full collection now walks only what is made after the freeze.
        assert len(gc.get_objects()) < frozen / 10
    finally:
        gc.unfreeze()  # the test process goes on allocating and freeing as before


def test_a_worker_process_freezes_when_it_starts():
    import gc

    from celery.signals import worker_process_init

    gc.unfreeze()
    try:
        worker_process_init.send(sender=None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
