"""The request layer: bad characters and bad JSON are a 400 before any view, every error under
an API path is the JSON envelope, pagination parameters are checked, CORS allows the key header.

Each test here failed on main before the request-layer fix (most with a 500 or an HTML page).
"""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _envelope(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert "ErrorDetail" not in response.content.decode()
    return body["error"]


@pytest.fixture
def analyst_a(council_a, staff_client_factory):
    return staff_client_factory(council_a, groups=("Council administrators", "Analysts"))


@pytest.fixture
def open_api(platform_host):
    from django.core.cache import cache

    cache.clear()
    return Client(HTTP_HOST=platform_host)


# --- NUL and control characters -----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/warehouse/observations/?metric=a%00b",
        "/api/v1/warehouse/observations/?area=%00",
        "/api/v1/warehouse/needs/?metrics=a%00&period=2024-25",
        "/api/v1/warehouse/areas/E05%0000001/",
        "/api/v1/warehouse/kpis/?x=%01",
        "/api/v1/records/records/?class=%00",
        "/api/v1/records/records/search/?q=minutes%00",
        "/api/v1/records/audit/?object_type=%00",
    ],
)
def test_nul_in_a_council_api_request_is_a_400_naming_the_parameter(analyst_a, url):
    error = _envelope(analyst_a.get(url), 400)
    assert error["code"] == "invalid"
    assert "NUL" in error["message"] or "control character" in error["message"]
    assert error["fields"]


def test_nul_in_the_open_benchmarking_api_without_a_key_is_a_400(open_api):
    error = _envelope(open_api.get("/api/v1/benchmarks/metrics/x/values/?period=2024%00"), 400)
    assert error["fields"] == {"period": ["contains a NUL character, which is not allowed"]}
    _envelope(open_api.get("/api/v1/benchmarks/metrics/a%00/compare/E06000901/"), 400)


def test_nul_in_a_platform_api_path_is_a_400(platform_staff_client):
    _envelope(platform_staff_client.get("/platform/api/v1/councils/ab%00c/"), 400)


@pytest.mark.parametrize("url", ["/search/?q=%00", "/?page=%00", "/directory/?q=x%00"])
def test_nul_on_a_council_page_is_the_branded_400_page(anon_client_a, url):
    response = anon_client_a.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert b"could not read that address" in response.content


def test_nul_in_a_form_body_is_refused(analyst_a):
    response = analyst_a.post(
        "/api/v1/warehouse/metrics/",
        "metric_id=ok&title=Bad%00title&kind=count",
        content_type="application/x-www-form-urlencoded",
    )
    error = _envelope(response, 400)
    assert "title" in error["fields"]


# --- JSON bodies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/warehouse/metrics/",
        "/api/v1/warehouse/kpis/",
        "/api/v1/warehouse/areas/",
        "/api/v1/records/holds/",
        "/api/v1/records/decisions/",
        "/api/v1/records/classes/",
    ],
)
def test_deeply_nested_json_is_a_400_on_every_write_endpoint(council_a, staff_client_factory, url):
    client = staff_client_factory(
        council_a, groups=("Council administrators", "Analysts", "Records managers")
    )
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post(url, deep, content_type="application/json")
    _envelope(response, 400)
    nested = json.dumps({"title": {"a": json.loads("[" * 40 + "1" + "]" * 40)}})
    _envelope(client.post(url, nested, content_type="application/json"), 400)


def test_nul_or_a_lone_surrogate_in_json_is_a_400_naming_the_field(analyst_a):
    for value in ("a\u0000b", "\ud800"):
        body = json.dumps({"metric_id": "fine", "title": value, "kind": "count"})
        error = _envelope(
            analyst_a.post("/api/v1/warehouse/metrics/", body, content_type="application/json"),
            400,
        )
        assert list(error["fields"]) == ["title"]


def test_nul_in_a_json_key_is_a_400(analyst_a):
    body = json.dumps({"metric_id": "recycling-rate", "targets": {"2024-25\u0000": 1}})
    _envelope(analyst_a.post("/api/v1/warehouse/kpis/", body, content_type="application/json"), 400)


# --- One error envelope on API paths ------------------------------------------------------


def test_unknown_api_paths_answer_the_envelope_not_an_html_page(anon_client_a, open_api):
    for client, url in (
        (anon_client_a, "/api/v1/nothing-here/"),
        (anon_client_a, "/api/v1/records/records/not-a-number/"),
        (open_api, "/api/v1/benchmarks/nothing/"),
        (open_api, "/platform/api/v1/nothing/"),
    ):
        error = _envelope(client.get(url), 404)
        assert error["code"] == "not_found"


def test_html_paths_keep_the_branded_404(anon_client_a):
    response = anon_client_a.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_unauthenticated_forbidden_and_wrong_method_use_the_envelope(
    anon_client_a, council_a, staff_client_factory
):
    assert _envelope(anon_client_a.get("/api/v1/records/records/"), 401)["code"] == (
        "not_authenticated"
    )
    resident = staff_client_factory(council_a, groups=(), username="resident@example.org")
    _envelope(resident.post("/api/v1/warehouse/metrics/", {}, content_type="application/json"), 403)
    admin = staff_client_factory(council_a)
    error = _envelope(admin.delete("/api/v1/records/classes/"), 405)
    assert error["code"] == "method_not_allowed"
    _envelope(admin.post("/api/v1/warehouse/metrics/", b"x", content_type="text/plain"), 415)


def test_csrf_failure_on_an_api_path_is_the_envelope(council_a):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_tenants.utils import schema_context

    client = Client(HTTP_HOST=council_a.primary_domain, enforce_csrf_checks=True)
    with schema_context(council_a.schema_name):
        user = get_user_model().objects.create_user("csrf@example.org", is_staff=True)
        user.groups.set(Group.objects.filter(name="Council administrators"))
        client.force_login(user)
    response = client.post("/api/v1/warehouse/metrics/", {}, content_type="application/json")
    error = _envelope(response, 403)
    assert "CSRF" in error["message"]


def test_a_server_error_on_an_api_path_is_the_envelope(rf):
    from platform_core.views import server_error

    response = server_error(rf.get("/api/v1/records/records/"))
    assert json.loads(response.content)["error"]["code"] == "server_error"
    assert server_error(rf.get("/")).status_code == 500


def test_csv_errors_are_json_envelopes(open_api):
    response = open_api.get("/api/v1/benchmarks/metrics/no-such/values/?format=csv")
    _envelope(response, 404)


def test_validation_messages_carry_no_python_reprs(council_a, staff_client_factory):
    admin = staff_client_factory(council_a)
    response = admin.post(
        "/api/v1/warehouse/pool/groups/",
        {"name": "G", "members": ["x" * 20, 5]},
        content_type="application/json",
    )
    error = _envelope(response, 400)
    assert all(
        "ErrorDetail" not in m and "{" not in m for ms in error["fields"].values() for m in ms
    )


# --- Pagination and CORS ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=%C2%B2", "page"),
        ("page_size=0", "page_size"),
        ("page_size=501", "page_size"),
    ],
)
def test_invalid_pagination_is_a_400_naming_the_parameter(open_api, query, parameter):
    error = _envelope(open_api.get(f"/api/v1/benchmarks/metrics/?{query}"), 400)
    assert list(error["fields"]) == [parameter]


def test_cors_preflight_allows_the_api_key_header(open_api):
    response = open_api.options(
        "/api/v1/benchmarks/metrics/",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-api-key",
    )
    assert response.status_code == 200
    assert "x-api-key" in response["Access-Control-Allow-Headers"].lower()
