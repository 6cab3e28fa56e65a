"""Odd bodies, methods a route does not take, and residents and provider accounts sending
council A's own requests (tests/isolation/odd_input.py says what and why). A file of its own so
the suite's two workers share the sweep."""

from tests.isolation.odd_input import (  # noqa: F401  (fixtures and tests collected here)
    fresh,
    people,
    test_methods_a_route_does_not_take_are_refused_never_a_500,
    test_odd_bodies_are_refused_naming_the_field_never_a_500,
    test_provider_webhooks_of_another_organisation_are_a_404_and_never_listed,
    test_residents_and_provider_accounts_get_no_more_than_a_visitor,
)
