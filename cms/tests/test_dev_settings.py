"""`make run` (platform_core.settings.dev) shows visitors the branded error pages: DEBUG is off
unless DEBUG=1 is set, and static files are still served (WhiteNoise) with DEBUG off."""

import os
import subprocess
import sys

import pytest
from django.test import override_settings


def _dev_debug(**extra_env) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(DJANGO_SETTINGS_MODULE="platform_core.settings.dev", **extra_env)
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_dev_settings_have_debug_off_unless_asked():
    assert _dev_debug() == "False"
    assert _dev_debug(DEBUG="1") == "True"


@pytest.mark.django_db
def test_with_dev_debug_unknown_url_gives_branded_404_and_static_is_served(
    site, anon_web, web_council
):
    with override_settings(DEBUG=_dev_debug() == "True"):
        response = anon_web.get("/no/such/page/")
        body = response.content.decode()
        assert response.status_code == 404
        assert "Page not found" in body and web_council.name in body
        assert "Using the URLconf" not in body and "Traceback" not in body
        css = anon_web.get("/static/cms/site.css")
        assert css.status_code == 200
        assert b".council-header" in b"".join(css.streaming_content)
