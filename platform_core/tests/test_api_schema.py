import pytest
import yaml
from django.test import Client


@pytest.mark.django_db
def test_platform_domain_schema_describes_the_platform_apis(platform_host):
    response = Client(HTTP_HOST=platform_host).get("/api/schema/")
    assert response.status_code == 200
    paths = yaml.safe_load(response.content)["paths"]
    assert "/platform/api/v1/councils/" in paths
    assert not any(p.startswith("/api/v1/records") for p in paths)


@pytest.mark.django_db
def test_council_domain_schema_describes_the_council_apis(anon_client_a):
    response = anon_client_a.get("/api/schema/")
    assert response.status_code == 200
    paths = yaml.safe_load(response.content)["paths"]
    assert "/api/v1/me/" in paths
    assert "/platform/api/v1/councils/" not in paths


@pytest.mark.django_db
def test_api_docs_load_no_script_from_a_cdn(anon_client_a):
    body = anon_client_a.get("/api/schema/docs/").content.decode()
    assert "cdn.jsdelivr" not in body and "unpkg.com" not in body
    assert "/static/drf_spectacular_sidecar/" in body
