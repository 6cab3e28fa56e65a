import io

import pytest
from django.core.management import CommandError, call_command

from intelligence.warehouse.actions import ImportErrors
from intelligence.warehouse.actions import import_observations as _import
from intelligence.warehouse.models import ImportBatch, Observation


@pytest.fixture(params=[True, False], ids=["in-database", "row-by-row"])
def import_observations(request):
    """Both validators, with the same rules and messages."""
    return lambda *args, **kwargs: _import(*args, in_database=request.param, **kwargs)


GOOD = (
    "metric_id,area_code,period,value,numerator,denominator\n"
    "recycling-rate,E06000901,2024-25,41.5,415,1000\n"
    "recycling-rate,E06000901,2025-26 Q1,43.0,,\n"
    "homeless-households,E05000001,2025-04,12,,\n"
    "imd-score,E01000001,2025-04-30,27.3,,\n"
)


def test_a_valid_file_imports_every_row(import_observations, council_a, metrics_a, in_council):
    with in_council(council_a):
        result = import_observations(GOOD, filename="good.csv")
        assert (result.rows, result.created, result.updated) == (4, 4, 0)
        obs = Observation.objects.get(metric__metric_id="recycling-rate", period="2024-25")
        assert (obs.value, obs.numerator, obs.denominator, obs.period_kind) == (
            41.5,
            415,
            1000,
            "year",
        )
        assert ImportBatch.objects.get().rows == 4


def test_reimporting_a_period_replaces_its_value(
    import_observations, council_a, metrics_a, in_council
):
    with in_council(council_a):
        import_observations(GOOD)
        result = import_observations(
            "metric_id,area_code,period,value\nrecycling-rate,E06000901,2024-25,50\n"
        )
        assert (result.created, result.updated) == (0, 1)
        assert Observation.objects.get(period="2024-25").value == 50


def test_a_bad_file_reports_every_bad_row_by_line_and_imports_nothing(
    import_observations, council_a, metrics_a, in_council
):
    bad = (
        "metric_id,area_code,period,value\n"
        "recycling-rate,E06000901,2024-25,41.5\n"  # line 2: fine
        "no-such-metric,E06000901,2024-25,1\n"  # line 3
        "recycling-rate,E06000999,2024-25,1\n"  # line 4: another council's code
        "recycling-rate,E06000901,2024-27,1\n"  # line 5: bad period
        "recycling-rate,E06000901,2023-24,lots\n"  # line 6
        "recycling-rate,E06000901,2024-25,3\n"  # line 7: duplicate of line 2
        "recycling-rate,E06000901\n"  # line 8: short row
        "recycling-rate,E05000001,2024-25,nan\n"  # line 9
    )
    with in_council(council_a):
        with pytest.raises(ImportErrors) as caught:
            import_observations(bad)
        assert Observation.objects.count() == 0
        assert ImportBatch.objects.count() == 0
    lines = dict(caught.value.errors)
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9]
    assert "unknown metric_id 'no-such-metric'" in lines[3]
    assert "E06000999" in lines[4]
    assert "2024-27" in lines[5]
    assert "value 'lots' is not a number" in lines[6]
    assert "duplicate of line 2" in lines[7]
    assert "expected 4 columns, found 2" in lines[8]
    assert "finite" in lines[9]


def test_a_wrong_header_is_line_1(import_observations, council_a, metrics_a, in_council):
    with in_council(council_a), pytest.raises(ImportErrors) as caught:
        import_observations("metric,area,period,value\nrecycling-rate,E06000901,2024-25,1\n")
    assert caught.value.errors[0][0] == 1


def test_council_b_cannot_import_against_council_a_metrics(
    import_observations, council_b, metrics_a, in_council
):
    with in_council(council_b), pytest.raises(ImportErrors) as caught:
        import_observations(
            "metric_id,area_code,period,value\nrecycling-rate,E06000902,2024-25,1\n"
        )
    assert "unknown metric_id" in caught.value.errors[0][1]


def test_command_imports_a_file_for_the_named_council(council_a, metrics_a, in_council, tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text(GOOD)
    out = io.StringIO()
    call_command("import_observations", "--council", "alphaford", str(path), stdout=out)
    assert "Imported 4 rows" in out.getvalue()
    with in_council(council_a):
        assert Observation.objects.count() == 4


def test_command_refuses_a_bad_file_listing_its_lines(council_a, metrics_a, in_council, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(GOOD + "recycling-rate,E06000901,2030-31,x\n")
    with pytest.raises(CommandError) as caught:
        call_command("import_observations", "--council", "alphaford", str(path))
    assert "line 6" in str(caught.value) and "nothing was imported" in str(caught.value)
    with in_council(council_a):
        assert Observation.objects.count() == 0


def test_command_refuses_an_unknown_council(tmp_path, db):
    path = tmp_path / "obs.csv"
    path.write_text(GOOD)
    with pytest.raises(CommandError, match="no council"):
        call_command("import_observations", "--council", "nowhere", str(path))


def test_api_upload_imports_a_good_file(client_a, metrics_a):
    upload = io.BytesIO(GOOD.encode())
    upload.name = "good.csv"
    response = client_a.post("/api/v1/warehouse/imports/", {"file": upload})
    assert response.status_code == 201, response.content
    assert response.json()["rows"] == 4


def test_api_upload_of_a_bad_file_names_each_bad_line(client_a, council_a, metrics_a, in_council):
    upload = io.BytesIO((GOOD + "recycling-rate,E06000901,2024-25,9\n").encode())
    upload.name = "bad.csv"
    response = client_a.post("/api/v1/warehouse/imports/", {"file": upload})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"] == [
        "line 6: duplicate of line 2 (same metric, area and period)"
    ]
    with in_council(council_a):
        assert Observation.objects.count() == 0


def test_a_file_whose_only_fault_is_a_duplicate_imports_nothing(
    import_observations, council_a, metrics_a, in_council
):
    text = GOOD + "imd-score, E01000001 ,2025-04-30,1,,\n"  # the same key once trimmed
    with in_council(council_a):
        with pytest.raises(ImportErrors) as caught:
            import_observations(text)
        assert Observation.objects.count() == 0
    assert caught.value.errors == [(6, "duplicate of line 5 (same metric, area and period)")]
