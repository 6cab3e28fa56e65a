"""ASCII-strict identifiers and periods, bounded years and lists, validated areas, and an
OpenAPI document that says what the APIs do. Each case here was a 500 or was accepted on main."""

import json

import pytest
import yaml
from django.test import Client

from platform_core.periods import PeriodError, parse_period

pytestmark = pytest.mark.django_db


def _error(response, status=400):
    assert response.status_code == status, response.content[:300]
    body = response.json()["error"]
    assert "ErrorDetail" not in json.dumps(body)
    return body


@pytest.fixture
def analyst_a(council_a, staff_client_factory):
    return staff_client_factory(council_a, groups=("Council administrators", "Analysts"))


@pytest.fixture
def pool(db):
    from django.core.cache import cache

    from intelligence.benchmarking.seeding import seed_pool

    cache.clear()
    return seed_pool(councils=12, metrics=3, years=2, last_year=2024)


@pytest.fixture
def open_api(platform_host):
    return Client(HTTP_HOST=platform_host)


# --- Periods --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        "0000-04",
        "0000-01-01",
        "9999-00 Q4",
        "9999-12",
        "2201-02",
        "1899-12-31",
        "２０２５-２６",  # fullwidth digits
        "٢٠٢٥-٢٦",  # Arabic-Indic digits
        "2025-2²",
        "2025-04\x00",
    ],
)
def test_periods_are_ascii_and_within_bounded_years(label):
    with pytest.raises(PeriodError):
        parse_period(label)


def test_sensible_periods_still_parse():
    assert parse_period("2025-26 Q4").start.isoformat() == "2026-01-01"
    assert parse_period("1900-05").kind == "month"
    assert parse_period("2200-12-31").kind == "date"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/warehouse/observations/?period=0000-04",
        "/api/v1/warehouse/observations/?period=9999-00%20Q4",
        "/api/v1/warehouse/needs/?metrics=imd-score&period=9999-00%20Q4",
        "/api/v1/warehouse/needs/?metrics=imd-score&period=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%95-26",
    ],
)
def test_out_of_range_periods_are_a_400_in_the_warehouse(analyst_a, url):
    assert "period" in _error(analyst_a.get(url))["fields"]


def test_kpi_targets_for_impossible_periods_are_a_400(analyst_a, council_a, in_council):
    from intelligence.warehouse.actions import save_metric

    with in_council(council_a):
        save_metric(metric_id="recycling-rate", title="Recycling", kind="percentage")
    body = {"metric_id": "recycling-rate", "targets": {"9999-00 Q4": 1.0}}
    _error(analyst_a.post("/api/v1/warehouse/kpis/", body, content_type="application/json"))


def test_imports_refuse_non_ascii_digits_in_codes_and_periods(council_a, in_council):
    from intelligence.warehouse.actions import ImportErrors, import_observations, save_metric

    with in_council(council_a):
        save_metric(metric_id="m", title="M", kind="count")
        for row in (
            "m,E06000901,２０２４-２５,1",
            "m,E0590100²,2024-25,1",
            "m,E05901001,0000-04,1",
        ):
            with pytest.raises(ImportErrors):
                import_observations(f"metric_id,area_code,period,value\n{row}\n")


@pytest.mark.parametrize("period", ["0000-04", "9999-00%20Q4", "%D9%A2%D9%A0%D9%A2%D9%A5-26"])
def test_the_open_benchmarking_api_refuses_impossible_periods(open_api, pool, period):
    from intelligence.benchmarking.models import PoolMetric

    metric = PoolMetric.objects.order_by("metric_id").first().metric_id
    response = open_api.get(f"/api/v1/benchmarks/metrics/{metric}/values/?period={period}")
    assert list(_error(response)["fields"]) == ["period"]


# --- Groups on compare and series ---------------------------------------------------------


@pytest.mark.parametrize("group", ["%C2%B2", "%EF%BC%91", "99999999999999999999999"])
def test_a_group_that_is_not_an_ascii_id_is_a_400(open_api, pool, group):
    from intelligence.benchmarking.models import PoolMember, PoolMetric

    metric = PoolMetric.objects.order_by("metric_id").first().metric_id
    gss = PoolMember.objects.order_by("gss_code").first().gss_code
    for kind in ("compare", "series"):
        response = open_api.get(f"/api/v1/benchmarks/metrics/{metric}/{kind}/{gss}/?group={group}")
        assert list(_error(response)["fields"]) == ["group"], kind


# --- GSS codes and areas ------------------------------------------------------------------


@pytest.mark.parametrize("code", ["E０6000950", "E06000９50", "E0600095²", "e06000950"])
def test_gss_codes_with_non_ascii_digits_cannot_provision_a_council(platform_staff_client, code):
    from django.contrib.auth.models import Permission

    platform_staff_client.user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="tenants")
    )
    body = {
        "name": "Fullwidth Council",
        "slug": "fullwidth",
        "gss_code": code,
        "tier": "unitary",
        "admin_email": "a@example.org",
    }
    response = platform_staff_client.post("/platform/api/v1/councils/", body, format="json")
    assert response.status_code == 400, response.content
    assert "gss_code" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "ZZZ", "name": "Nowhere", "kind": "ward"}, "code"),
        ({"code": "E0590100²", "name": "Squared", "kind": "ward"}, "code"),
        ({"code": "E01000001", "name": "An LSOA", "kind": "ward"}, "kind"),
        ({"code": "E05000001", "name": "A ward", "kind": "council"}, "kind"),
        (
            {"code": "E05000001", "name": "A ward", "kind": "ward", "parent_code": "E99999999"},
            "parent_code",
        ),
        (
            {"code": "E06000901", "name": "Us", "kind": "council", "parent_code": "E06000901"},
            "parent_code",
        ),
    ],
)
def test_areas_are_validated(analyst_a, body, field):
    response = analyst_a.post("/api/v1/warehouse/areas/", body, content_type="application/json")
    assert field in _error(response)["fields"]


def test_an_lsoa_in_a_ward_of_the_council_is_accepted(analyst_a):
    ward = {"code": "E05000001", "name": "Ward", "kind": "ward", "parent_code": "E06000901"}
    assert (
        analyst_a.post(
            "/api/v1/warehouse/areas/", ward, content_type="application/json"
        ).status_code
        == 201
    )
    lsoa = {"code": "E01000001", "name": "LSOA", "kind": "lsoa", "parent_code": "E05000001"}
    assert (
        analyst_a.post(
            "/api/v1/warehouse/areas/", lsoa, content_type="application/json"
        ).status_code
        == 201
    )
    # A ward cannot sit in an LSOA.
    ward2 = {"code": "E05000002", "name": "Ward 2", "kind": "ward", "parent_code": "E01000001"}
    assert (
        "parent_code"
        in _error(
            analyst_a.post("/api/v1/warehouse/areas/", ward2, content_type="application/json")
        )["fields"]
    )


def test_a_peer_group_has_a_bounded_number_of_members(council_a, staff_client_factory):
    admin = staff_client_factory(council_a)
    body = {"name": "Everyone", "members": [f"E06{n:06d}" for n in range(501)]}
    response = admin.post("/api/v1/warehouse/pool/groups/", body, content_type="application/json")
    assert "members" in _error(response)["fields"]


def test_nested_validation_errors_are_flat_and_readable():
    from platform_core.api.errors import _flatten

    fields = _flatten({"members": {0: ["Too long."], 3: ["Not a string."]}, "name": ["Blank."]})
    assert fields == {
        "members.0": ["Too long."],
        "members.3": ["Not a string."],
        "name": ["Blank."],
    }


# --- API roots and the documents ----------------------------------------------------------


def test_each_api_root_answers_an_index(anon_client_a, open_api):
    for client, url, link in (
        (anon_client_a, "/api/v1/records/", "holds"),
        (anon_client_a, "/api/v1/warehouse/", "metrics"),
        (open_api, "/api/v1/benchmarks/", "metrics"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.json()["links"][link].startswith("http://")


def _document(host):
    response = Client(HTTP_HOST=host).get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_documents_describe_errors_security_tags_and_pages(council_a, platform_host):
    council = _document(council_a.primary_domain)
    platform = _document(platform_host)
    assert not [p for p in council["paths"] if p.startswith("/admin/")]
    assert "ApiKey" in platform["components"]["securitySchemes"]
    assert platform["components"]["securitySchemes"]["ApiKey"]["name"] == "X-Api-Key"
    for document in (council, platform):
        assert "ErrorResponse" in document["components"]["schemas"]
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                assert operation["tags"] and operation.get("description"), (method, path)
                assert operation["operationId"].replace("_", "").isalnum(), operation["operationId"]
                assert "400" in operation["responses"] and "default" in operation["responses"]
    values = platform["paths"]["/api/v1/benchmarks/metrics/{metric_id}/values/"]["get"]
    ref = values["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("PaginatedValueList")
    kpi = council["components"]["schemas"]["Kpi"]["properties"]
    assert "targets" in kpi and not kpi["targets"].get("writeOnly")


@pytest.mark.parametrize("urlconf", ["platform_core.urls_tenant", "platform_core.urls_public"])
def test_the_documents_are_generated_without_guesses_or_collisions(urlconf):
    """drf-spectacular warns when it has to guess (a method field's type, a path parameter's)
    or when two serializers share a component name (one silently replaces the other: the
    warehouse's publish body was documented as the commissions' one, with a required
    ``deadline``). Each is a document that is not true; enum naming notes are cosmetic."""
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    problems = [
        message
        for message in [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
        if "enum naming encountered" not in message
    ]
    GENERATOR_STATS.reset()
    assert problems == []


def test_request_bodies_are_json_and_files_multipart(council_a):
    council = _document(council_a.primary_domain)
    publish = council["paths"]["/api/v1/warehouse/pool/publish/"]["post"]["requestBody"]
    assert list(publish["content"]) == ["application/json"] and not publish.get("required")
    upload = council["paths"]["/api/v1/records/records/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload
    refused = council["paths"]["/api/v1/commissioning/commitments/{id}/release/"]["post"][
        "responses"
    ]
    assert refused["409"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorResponse")


@pytest.mark.parametrize("query", ["format=csv&page=-85", "format=csv&page=A", "page_size=0"])
def test_a_csv_download_checks_its_pagination_parameters_too(open_api, pool, query):
    """The CSV is the whole list, but the parameters the document gives it are still checked
    (schemathesis: ``?format=csv&page=-85`` was a 200)."""
    response = open_api.get(f"/api/v1/benchmarks/metrics/?{query}")
    assert response.status_code == 400
    field = "page_size" if "page_size" in query else "page"
    assert field in json.loads(response.content)["error"]["fields"]
    assert open_api.get("/api/v1/benchmarks/metrics/?format=csv&page=2").status_code == 200


def test_amounts_are_decimal_strings_in_json(client_a):
    """An amount (a DecimalField, documented as a decimal string) sent as a JSON number is a
    400 naming the field, not coerced; the documented form is accepted."""
    url = "/api/v1/funding/searches/"
    for value in (0, 12.5, True, [], "12,5"):
        response = client_a.post(
            url, {"name": "Probe", "min_amount": value}, content_type="application/json"
        )
        assert response.status_code == 400, (value, response.content)
        assert "min_amount" in json.loads(response.content)["error"]["fields"]
    response = client_a.post(
        url, {"name": "Probe", "min_amount": "2500.00"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert json.loads(response.content)["min_amount"] == "2500.00"


@pytest.mark.parametrize("fmt", ["", "xml", "CSV"])
def test_an_unknown_format_is_a_400_naming_it(open_api, pool, fmt):
    response = open_api.get(f"/api/v1/benchmarks/metrics/?format={fmt}")
    assert list(_error(response)["fields"]) == ["format"]


def test_an_empty_csv_is_still_a_csv(open_api, pool):
    """DRF drops the Content-Type of an empty body; an empty list as CSV keeps text/csv (found
    by schemathesis once its stateful phase had deleted every catalogue metric)."""
    from intelligence.benchmarking.models import PoolMetric

    metric = PoolMetric.objects.order_by("metric_id").first().metric_id
    response = open_api.get(
        f"/api/v1/benchmarks/metrics/{metric}/values/?format=csv&period=1990-91"
    )
    assert response.status_code == 200, response.content
    assert response.content == b"" and response["Content-Type"].startswith("text/csv")
