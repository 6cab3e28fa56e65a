from intelligence.warehouse.actions import import_observations, save_area, save_kpi
from intelligence.warehouse.models import Metric

CSV = (
    "metric_id,area_code,period,value,numerator,denominator\n"
    "recycling-rate,E06000901,2023-24,38,380,1000\n"
    "recycling-rate,E06000901,2024-25,41.5,415,1000\n"
    "imd-score,E05000001,2024-25,40,,\n"
    "imd-score,E05000002,2024-25,10,,\n"
    "imd-score,E05000003,2024-25,25,,\n"
    "homeless-households,E05000001,2024-25,30,,\n"
    "homeless-households,E05000002,2024-25,5,,\n"
    "homeless-households,E05000003,2024-25,12,,\n"
)


def test_staff_create_and_list_metrics(client_a, council_a, in_council):
    response = client_a.post(
        "/api/v1/warehouse/metrics/",
        {
            "metric_id": "fly-tipping",
            "title": "Fly-tipping incidents",
            "kind": "count",
            "polarity": "lower",
            "lginform_id": "2045",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    listing = client_a.get("/api/v1/warehouse/metrics/").json()
    assert [m["metric_id"] for m in listing["results"]] == ["fly-tipping"]
    with in_council(council_a):
        assert Metric.objects.get().lginform_id == "2045"


def test_a_bad_metric_is_refused_naming_the_field(client_a):
    response = client_a.post(
        "/api/v1/warehouse/metrics/",
        {"metric_id": "Bad Id", "title": "x", "kind": "volume"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) >= {"metric_id", "kind"}


def test_council_b_asking_for_council_a_metric_gets_the_missing_answer(client_b, metrics_a):
    theirs = client_b.get("/api/v1/warehouse/metrics/recycling-rate/")
    missing = client_b.get("/api/v1/warehouse/metrics/no-such-metric/")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert client_b.get("/api/v1/warehouse/metrics/").json()["results"] == []
    assert client_b.get("/api/v1/warehouse/observations/?format=csv").content.count(b"\n") == 1


def test_anonymous_and_unprivileged_staff_are_refused(
    anon_client_a, staff_client_factory, council_a
):
    assert anon_client_a.get("/api/v1/warehouse/metrics/").status_code in (401, 403)
    editor = staff_client_factory(council_a, groups=("Editors",), username="editor@a.example")
    assert editor.get("/api/v1/warehouse/metrics/").status_code == 403
    analyst = staff_client_factory(council_a, groups=("Analysts",), username="analyst@a.example")
    assert analyst.get("/api/v1/warehouse/metrics/").status_code == 200


def test_observations_export_as_csv_in_the_import_format(
    client_a, council_a, metrics_a, in_council
):
    with in_council(council_a):
        import_observations(CSV)
    response = client_a.get("/api/v1/warehouse/observations/?metric=recycling-rate&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines() == [
        "metric_id,area_code,period,value,numerator,denominator",
        "recycling-rate,E06000901,2023-24,38.0,380.0,1000.0",
        "recycling-rate,E06000901,2024-25,41.5,415.0,1000.0",
    ]
    as_json = client_a.get("/api/v1/warehouse/observations/?metric=recycling-rate&period=2024-25")
    assert as_json.json()["results"] == [
        {
            "metric_id": "recycling-rate",
            "area_code": "E06000901",
            "period": "2024-25",
            "value": 41.5,
            "numerator": 415.0,
            "denominator": 1000.0,
        }
    ]


def test_a_malformed_period_filter_is_a_400_naming_period(client_a):
    response = client_a.get("/api/v1/warehouse/observations/?period=2024/25")
    assert response.status_code == 400
    assert "period" in response.json()["error"]["fields"]


def test_kpi_status_follows_its_rag_rule(client_a, council_a, metrics_a, in_council):
    with in_council(council_a):
        import_observations(CSV)
    response = client_a.post(
        "/api/v1/warehouse/kpis/",
        {
            "metric_id": "recycling-rate",
            "amber_tolerance_percent": 5,
            "targets": {"2023-24": 40, "2024-25": 43},
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    kpi = client_a.get("/api/v1/warehouse/kpis/").json()["results"][0]
    # 41.5 against 43 misses by 1.5, within 5% of 43 (2.15): amber.
    assert kpi["latest"] == {"period": "2024-25", "value": 41.5, "target": 43.0, "status": "amber"}
    assert kpi["targets"] == {"2023-24": 40.0, "2024-25": 43.0}


def test_rag_rule_respects_polarity(council_a, metrics_a, in_council):
    with in_council(council_a):
        kpi = save_kpi(metric=metrics_a["count"], amber_tolerance_percent=10)
        assert kpi.status(90, 100) == "green"  # lower is better
        assert kpi.status(105, 100) == "amber"
        assert kpi.status(111, 100) == "red"
        assert kpi.status(None, 100) == "none"


def test_needs_rank_wards_most_in_need_first(client_a, council_a, metrics_a, in_council):
    with in_council(council_a):
        import_observations(CSV)
        save_area(code="E05000001", name="North ward", kind="ward")
    response = client_a.get(
        "/api/v1/warehouse/needs/?metrics=imd-score,homeless-households&period=2024-25&level=ward"
    )
    assert response.status_code == 200, response.content
    ranked = response.json()["results"]
    assert [r["area_code"] for r in ranked] == ["E05000001", "E05000003", "E05000002"]
    assert ranked[0]["area_name"] == "North ward"
    assert ranked[0]["rank"] == 1


def test_needs_with_bad_parameters_name_them(client_a, metrics_a):
    response = client_a.get("/api/v1/warehouse/needs/?metrics=nope&period=2024-25&level=county")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"level"}
    response = client_a.get("/api/v1/warehouse/needs/?metrics=nope&period=2024-25")
    assert set(response.json()["error"]["fields"]) == {"metrics"}
