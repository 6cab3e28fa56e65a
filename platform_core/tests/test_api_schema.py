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


API_FEATURES = ("markets", "funding", "participation", "provider_portal")


def _paths(client) -> dict:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)["paths"]


@pytest.mark.django_db
def test_a_councils_document_leaves_out_its_switched_off_features_which_answer_404(
    council_a, council_b, anon_client_a, client_a
):
    """Council A switches every optional API feature off: its document no longer lists their
    endpoints and every one of them (each method) answers the 404 envelope; council B's
    document still lists them; switched back on, A's lists them again."""
    import re

    from platform_core import features

    before = _paths(anon_client_a)
    prefixes = {
        key: tuple(p for p in features.get(key).paths if p.startswith("/api/"))
        for key in API_FEATURES
    }
    for key, owned in prefixes.items():
        assert owned and any(p.startswith(owned) for p in before), key
        features.set_state(council_a.schema_name, key, "off")
    features.forget(council_a.schema_name)  # the test's transaction never commits

    after = _paths(anon_client_a)
    gone = sorted(set(before) - set(after))
    every = tuple(p for owned in prefixes.values() for p in owned)
    assert gone and all(p.startswith(every) for p in gone)
    assert not any(p.startswith(every) for p in after)
    assert "/api/v1/me/" in after and "/api/v1/360giving/" in str(after)  # the rest stays
    assert _paths(Client(HTTP_HOST=council_b.primary_domain)) == before  # B's document is its own

    for path in gone:
        url = re.sub(r"\{[^}]+\}", "1", path)
        for method in before[path]:
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            response = getattr(client_a, method)(url, content_type="application/json")
            assert response.status_code == 404, (method, url, response.status_code)
            assert response.json()["error"]["code"] == "not_found", (method, url)

    for key in API_FEATURES:
        features.set_state(council_a.schema_name, key, "default")
    features.forget(council_a.schema_name)
    assert _paths(anon_client_a) == before


def test_a_version_download_is_documented_in_any_media_type(anon_client_a):
    """A version is served in its own media type (a PNG as image/png, a PDF as application/pdf):
    the document says any type, not application/octet-stream, which schemathesis reported as a
    contract failure once a fuzzed upload of a PNG was downloaded."""
    operation = _paths(anon_client_a)["/api/v1/records/records/{id}/versions/{number}/download/"]
    assert set(operation["get"]["responses"]["200"]["content"]) == {"*/*"}
