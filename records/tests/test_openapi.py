import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


def test_records_api_is_documented_in_the_openapi_schema():
    schema = SchemaGenerator(urlconf="platform_core.urls_tenant").get_schema(
        request=None, public=True
    )
    paths = schema["paths"]
    for path in (
        "/api/v1/records/classes/",
        "/api/v1/records/records/",
        "/api/v1/records/records/{id}/versions/",
        "/api/v1/records/records/{id}/versions/{number}/download/",
        "/api/v1/records/holds/{id}/release/",
        "/api/v1/records/disposal-batches/{id}/items/{item_id}/decide/",
        "/api/v1/records/decisions/",
        "/api/v1/records/audit/verify/",
        "/api/v1/records/open/decisions.csv",
    ):
        assert path in paths, path
    declare = paths["/api/v1/records/records/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in declare
