"""Odd paths and query strings on the newer areas' routes (tests/isolation/odd_input.py says
what and why). A file of its own so the suite's two workers share the sweep."""

from tests.isolation.odd_input import (  # noqa: F401  (fixtures and tests collected here)
    fresh,
    test_odd_path_parameters_are_never_a_500,
    test_odd_query_parameters_are_never_a_500,
)
