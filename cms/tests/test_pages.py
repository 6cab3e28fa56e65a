"""Every page type renders with GOV.UK styling and the council's branding."""

import pytest

from cms.demo import page_of_every_type


@pytest.mark.django_db
def test_every_page_type_renders(site_a, anon_client_a):
    for name, page in page_of_every_type(site_a).items():
        response = anon_client_a.get(page.url)
        assert response.status_code == 200, (name, response.status_code)
        assert b"govuk-template" in response.content, name
        assert b"Skip to main content" in response.content
        assert page.title.encode() in response.content or name == "home"
