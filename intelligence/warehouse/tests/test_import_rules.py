"""One rule table (intelligence/warehouse/import_rules.py), two validators: every case below is
judged the same, with the same message, by the in-database path and the row-by-row path."""

import pytest

from intelligence.warehouse.actions import ImportErrors, import_observations
from intelligence.warehouse.models import Observation

HEADER = "metric_id,area_code,period,value,numerator,denominator\n"

# (row after the header, the problem it has or None, the value stored when it has none)
CASES = [
    ("recycling-rate,E05000001,2024-25,41.5,,", None, 41.5),
    ("recycling-rate,E05000001,2024-25, 7 ,,", None, 7.0),
    ("recycling-rate,E05000001,2024-25,\t7\t,,", None, 7.0),
    ("recycling-rate,E05000001,2024-25,+.5e1,,", None, 5.0),
    ("recycling-rate,E05000001,2024-25,-3.,,", None, -3.0),
    ("recycling-rate,E05000001,2024-25,1,2,4", None, 1.0),
    # Digits that are not ASCII: Python's float() and str.isdigit() accept them, SQL does not.
    ("recycling-rate,E05000001,2024-25,٤٢,,", "value '٤٢' is not a number", None),
    ("recycling-rate,E05000001,2024-25,４２,,", "value '４２' is not a number", None),
    ("recycling-rate,E05000001,2024-25,1,٢,", "numerator '٢' is not a number", None),
    (
        "recycling-rate,E05٠٠٠٠٠١,2024-25,1,,",
        "area_code 'E05٠٠٠٠٠١' is not this council (E06000901) or a ward (E05) or LSOA (E01) GSS code",
        None,
    ),
    # Other spellings float() accepts and the rules do not.
    ("recycling-rate,E05000001,2024-25,1_000,,", "value '1_000' is not a number", None),
    ("recycling-rate,E05000001,2024-25,0x10,,", "value '0x10' is not a number", None),
    ("recycling-rate,E05000001,2024-25,1e,,", "value '1e' is not a number", None),
    ("recycling-rate,E05000001,2024-25,NaN,,", "value 'nan' is not a finite number", None),
    (
        "recycling-rate,E05000001,2024-25,-Infinity,,",
        "value '-infinity' is not a finite number",
        None,
    ),
    ("recycling-rate,E05000001,2024-25,1,,inf", "denominator 'inf' is not a finite number", None),
    ("recycling-rate,E05000001,2024-25,1e999,,", "value '1e999' is not a finite number", None),
    ("recycling-rate,E05000001,2024-25,,,", "value is empty", None),
    ("recycling-rate,E05000001,2024-25,1,1,0", "denominator must be greater than 0", None),
    ("recycling-rate,E05000001,2024-25,1,1,-2", "denominator must be greater than 0", None),
    ("recycling-rate,E0500000,2024-25,1,,", "area_code 'E0500000' is not this council", None),
    ("recycling-rate,e05000001,2024-25,1,,", "area_code 'e05000001' is not this council", None),
    ("recycling-rate,E06000901,2024-25,1,,", None, 1.0),  # the council itself
]


@pytest.mark.parametrize("in_database", [True, False], ids=["in-database", "row-by-row"])
@pytest.mark.parametrize(("row", "problem", "stored"), CASES, ids=[c[0][27:] for c in CASES])
def test_each_rule_case_is_judged_the_same_on_both_paths(
    council_a, metrics_a, in_council, row, problem, stored, in_database
):
    with in_council(council_a):
        if problem is None:
            import_observations(HEADER + row + "\n", in_database=in_database)
            assert Observation.objects.get().value == stored
            return
        with pytest.raises(ImportErrors) as caught:
            import_observations(HEADER + row + "\n", in_database=in_database)
        assert Observation.objects.count() == 0
    [(line, message)] = caught.value.errors
    assert line == 2
    assert message.startswith(problem), message
