import pytest

from intelligence.benchmarking.disclosure import protect, round_to_5


@pytest.mark.parametrize(
    ("value", "rounded"), [(10, 10), (12, 10), (12.5, 15), (13, 15), (123, 125), (0, 0)]
)
def test_counts_round_to_the_nearest_5_half_up(value, rounded):
    assert round_to_5(value) == rounded


def test_counts_under_10_are_suppressed_not_missing():
    cell = protect("count", 9, None, None)
    assert cell.suppressed and cell.value is None
    assert protect("count", 10, None, None).value == 10
    assert protect("count", 123, None, None).value == 125


def test_rates_with_small_denominators_or_numerators_are_suppressed():
    assert protect("rate", 500.0, 4, 8).suppressed
    assert protect("percentage", 0.3, 3, 1000).suppressed
    cell = protect("percentage", 41.5, 413, 1002)
    assert (cell.value, cell.numerator, cell.denominator, cell.suppressed) == (
        41.5,
        415,
        1000,
        False,
    )


def test_currency_is_published_but_small_supporting_counts_are_not():
    cell = protect("currency", 1234.56, 3, 200)
    assert (cell.value, cell.numerator, cell.denominator, cell.suppressed) == (
        1234.56,
        None,
        200,
        False,
    )


def test_each_suppression_says_why():
    assert protect("count", 9, None, None).reason == "a count under 10"
    assert protect("count", 50, 4, None).reason == "numerator under 10"
    assert protect("rate", 50.0, 4, 8).reason.startswith("numerator under 10; denominator under 10")
    assert protect("percentage", 41.5, 413, 1002).reason == ""
    currency = protect("currency", 1234.56, 3, 200)
    assert not currency.suppressed and currency.reason == "numerator under 10: not published"
