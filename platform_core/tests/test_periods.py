from datetime import date

import pytest

from platform_core.periods import PeriodError, parse_period


@pytest.mark.parametrize(
    ("label", "kind", "start"),
    [
        ("2025-26", "year", date(2025, 4, 1)),
        ("1999-00", "year", date(1999, 4, 1)),
        ("2025-26 Q1", "quarter", date(2025, 4, 1)),
        ("2025-26 Q4", "quarter", date(2026, 1, 1)),
        ("2025-04", "month", date(2025, 4, 1)),
        ("2025-12", "month", date(2025, 12, 1)),
        ("2025-04-30", "date", date(2025, 4, 30)),
    ],
)
def test_periods_are_parsed_with_their_kind_and_first_day(label, kind, start):
    period = parse_period(label)
    assert (period.kind, period.start, period.label) == (kind, start, label)


@pytest.mark.parametrize(
    "label", ["2025-27", "2025-26 Q5", "2025-13", "2025-02-30", "FY25", "", "2025"]
)
def test_malformed_periods_are_refused(label):
    with pytest.raises(PeriodError):
        parse_period(label)
