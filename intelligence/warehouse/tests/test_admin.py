"""The analysts' Intelligence menu in the Wagtail admin (issue 9): metrics mapped onto the
catalogue, KPIs and targets, a CSV import checked (preview, every bad row by line) before
anything is written, observations filtered and exported, and the publish screen (what is
shared, what is suppressed and why, who may publish). Permissions, bad input and council B."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from intelligence.benchmarking.models import PoolValue
from intelligence.warehouse.models import ImportBatch, Kpi, KpiTarget, Metric, Observation

GOOD = (
    "metric_id,area_code,period,value,numerator,denominator\n"
    "homeless-households,E06000901,2023-24,7,,\n"
    "homeless-households,E06000901,2024-25,123,,\n"
    "homeless-households,E05000001,2024-25,50,,\n"
    "recycling-rate,E06000901,2023-24,50,4,8\n"
    "recycling-rate,E06000901,2024-25,41.5,415,1000\n"
    "imd-score,E06000901,2024-25,3,,\n"
)
BAD = (
    "metric_id,area_code,period,value\n"
    "homeless-households,E06000901,2024-25,12\n"
    "no-such-metric,E06000901,2024-25,1\n"
    "homeless-households,X123,2024-25,1\n"
    "homeless-households,E06000901,soon,1\n"
    "homeless-households,E06000901,2023-24,lots\n"
)


@pytest.fixture
def analyst_a(staff_client_factory, council_a):
    return staff_client_factory(
        council_a, groups=("Analysts",), username="analyst@alphaford.example"
    )


@pytest.fixture
def editor_a(staff_client_factory, council_a):
    return staff_client_factory(council_a, groups=("Editors",), username="editor@alphaford.example")


def _upload(client, text, name="data.csv"):
    return client.post(
        "/admin/warehouse_import/",
        {"action": "check", "file": SimpleUploadedFile(name, text.encode(), "text/csv")},
    )


def test_menu_shows_intelligence_to_analysts_only(analyst_a, editor_a, client_a):
    for client in (analyst_a, client_a):
        html = client.get("/admin/").content.decode()
        assert "Intelligence" in html and "/admin/warehouse_import/" in html
    html = editor_a.get("/admin/").content.decode()
    assert "Intelligence" not in html and "/admin/warehouse_import/" not in html
    for url in (
        "/admin/warehouse_metrics/",
        "/admin/warehouse_kpis/",
        "/admin/warehouse_observations/",
        "/admin/warehouse_observations/export/",
        "/admin/warehouse_import/",
        "/admin/warehouse_publish/",
    ):
        assert editor_a.get(url).status_code in (302, 403), url
        assert analyst_a.get(url).status_code == 200, url


def test_analyst_creates_a_metric_mapped_onto_the_catalogue(
    analyst_a, council_a, in_council, catalogue
):
    form = analyst_a.get("/admin/warehouse_metrics/new/").content.decode()
    assert 'value="recycling-rate"' in form  # the catalogue is offered
    response = analyst_a.post(
        "/admin/warehouse_metrics/new/",
        {
            "metric_id": "recycled-share",
            "title": "Recycled share",
            "kind": "percentage",
            "polarity": "higher",
            "category": "performance",
            "shared": "on",
            "pool_metric": "recycling-rate",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with in_council(council_a):
        metric = Metric.objects.get(metric_id="recycled-share")
        assert metric.shared and metric.pool_metric == "recycling-rate"


def test_a_shared_metric_outside_the_catalogue_is_refused_on_the_field(
    analyst_a, council_a, in_council, catalogue
):
    response = analyst_a.post(
        "/admin/warehouse_metrics/new/",
        {
            "metric_id": "made-up",
            "title": "Made up",
            "kind": "count",
            "polarity": "neither",
            "category": "performance",
            "shared": "on",
            "pool_metric": "",
        },
    )
    assert response.status_code == 200
    assert "is not in the benchmarking catalogue" in response.content.decode()
    with in_council(council_a):
        assert not Metric.objects.filter(metric_id="made-up").exists()


def test_kpi_and_targets_through_the_admin(analyst_a, metrics_a, council_a, in_council):
    metric = metrics_a["count"]
    response = analyst_a.post(
        "/admin/warehouse_kpis/new/",
        {"metric": metric.pk, "title": "", "amber_tolerance_percent": "5", "order": "1"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with in_council(council_a):
        kpi = Kpi.objects.get(metric=metric)
    bad = analyst_a.post(
        "/admin/warehouse_kpi_targets/new/", {"kpi": kpi.pk, "period": "next year", "target": "5"}
    )
    assert bad.status_code == 200 and "next year" in bad.content.decode()
    good = analyst_a.post(
        "/admin/warehouse_kpi_targets/new/", {"kpi": kpi.pk, "period": "2025-26", "target": "90"}
    )
    assert good.status_code == 302
    with in_council(council_a):
        assert KpiTarget.objects.get(kpi=kpi).target == 90


def test_import_checks_first_and_lists_every_bad_row_writing_nothing(
    analyst_a, metrics_a, council_a, in_council
):
    response = _upload(analyst_a, BAD)
    html = response.content.decode()
    assert response.status_code == 400
    for line in (3, 4, 5, 6):
        assert f"<td>{line}</td>" in html
    assert "unknown metric_id" in html and "Nothing has been imported" in html
    assert 'name="token"' not in html  # no import button for a bad file
    with in_council(council_a):
        assert not Observation.objects.exists() and not ImportBatch.objects.exists()


def test_import_previews_then_imports_the_checked_file(analyst_a, metrics_a, council_a, in_council):
    response = _upload(analyst_a, GOOD)
    html = response.content.decode()
    assert response.status_code == 200 and "6 rows passed every check" in html
    assert "homeless-households" in html and 'id="import-preview"' in html
    with in_council(council_a):
        assert not Observation.objects.exists()  # nothing yet
    token = html.split('name="token" value="')[1].split('"')[0]
    done = analyst_a.post("/admin/warehouse_import/", {"action": "import", "token": token})
    assert done.status_code == 302
    with in_council(council_a):
        assert Observation.objects.count() == 6
        assert ImportBatch.objects.get().imported_by.username == "analyst@alphaford.example"
    # The token was used up; a made-up one is a clear message, not a 500.
    again = analyst_a.post("/admin/warehouse_import/", {"action": "import", "token": token})
    assert again.status_code == 400 and "upload it again" in again.content.decode()
    odd = analyst_a.post("/admin/warehouse_import/", {"action": "import", "token": "é%00" * 50})
    assert odd.status_code == 400


def test_import_refuses_a_file_that_is_not_utf8(analyst_a, metrics_a):
    response = analyst_a.post(
        "/admin/warehouse_import/",
        {"action": "check", "file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad", "text/csv")},
    )
    assert response.status_code == 400 and "not UTF-8" in response.content.decode()
    assert analyst_a.post("/admin/warehouse_import/", {"action": "check"}).status_code == 400


def test_another_councils_token_is_not_held_here(
    analyst_a, metrics_a, staff_client_factory, council_b
):
    html = _upload(analyst_a, GOOD).content.decode()
    token = html.split('name="token" value="')[1].split('"')[0]
    b = staff_client_factory(council_b, groups=("Analysts",), username="analyst@betaby.example")
    response = b.post("/admin/warehouse_import/", {"action": "import", "token": token})
    assert response.status_code == 400 and "upload it again" in response.content.decode()


def test_observations_filter_and_export_exactly_the_filtered_rows(
    analyst_a, metrics_a, council_a, in_council
):
    from intelligence.warehouse.actions import import_observations

    with in_council(council_a):
        import_observations(
            GOOD + "homeless-households,E06000901,2022-23,=1+1,,\n".replace("=1+1", "15")
        )
    listing = analyst_a.get(f"/admin/warehouse_observations/?metric={metrics_a['rate'].pk}")
    assert listing.status_code == 200 and "41.5" in listing.content.decode()
    assert "E05000001" not in listing.content.decode()
    export = analyst_a.get(f"/admin/warehouse_observations/export/?metric={metrics_a['count'].pk}")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == ["metric_id", "area_code", "period", "value", "numerator", "denominator"]
    assert {r[0] for r in rows[1:]} == {"homeless-households"} and len(rows) == 5
    bad = analyst_a.get("/admin/warehouse_observations/export/?period=soon")
    assert bad.status_code == 400 and b"period" in bad.content
    assert analyst_a.get("/admin/warehouse_observations/?period=soon").status_code == 200
    assert analyst_a.get("/admin/warehouse_observations/?metric=999999").status_code == 200


def test_publish_screen_says_what_is_shared_suppressed_and_why(
    analyst_a, client_a, metrics_a, council_a, in_council
):
    from intelligence.warehouse.actions import import_observations

    with in_council(council_a):
        import_observations(GOOD)
    html = analyst_a.get("/admin/warehouse_publish/").content.decode()
    assert "Only Council administrators publish" in html
    assert "Publish 4 values" not in html  # no button for an analyst
    assert "a count under 10" in html  # 7 homeless households, 2023-24
    assert "numerator under 10; denominator under 10" in html  # the rate of 4 out of 8
    assert "rounded to the nearest 5" in html  # 123 -> 125
    assert "not opted in" in html  # imd-score
    refused = analyst_a.post("/admin/warehouse_publish/", {})
    assert refused.status_code == 403 and not PoolValue.objects.exists()
    admin_html = client_a.get("/admin/warehouse_publish/").content.decode()
    assert "Publish 4 values to the pool" in admin_html
    bad = client_a.post("/admin/warehouse_publish/", {"embargo_until": "someday"})
    assert bad.status_code == 400 and not PoolValue.objects.exists()
    done = client_a.post("/admin/warehouse_publish/", {})
    assert done.status_code == 302
    assert PoolValue.objects.filter(member__gss_code=council_a.gss_code).count() == 4
    assert (
        PoolValue.objects.filter(member__gss_code=council_a.gss_code, suppressed=True).count() == 2
    )
