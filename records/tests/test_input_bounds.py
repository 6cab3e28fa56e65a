"""Records input bounds: retention periods, dates and id lists. Each was a 500 or accepted on
main (period_months up to 2**31 broke every later declaration in the class; a decision date in
year 9999 overflowed the disposal date; 5,000 ids in one hold request)."""

from datetime import date

import pytest

from records.actions.retention import add_months
from records.conftest import upload
from records.tests.files import make_pdf

pytestmark = pytest.mark.django_db


def _error(response):
    assert response.status_code == 400, response.content[:300]
    return response.json()["error"]["fields"]


@pytest.mark.parametrize("months", [2**31, 1201, -1])
def test_a_retention_period_is_at_most_a_century(records_client_a, months):
    body = {
        "code": "X-1",
        "title": "X",
        "trigger": "creation",
        "period_months": months,
        "action": "destroy",
    }
    response = records_client_a.post(
        "/api/v1/records/classes/", body, content_type="application/json"
    )
    assert "period_months" in _error(response)


def test_retention_period_is_bounded_in_the_action_too(council_a, in_council):
    from django.core.exceptions import ValidationError

    from records import actions

    with in_council(council_a), pytest.raises(ValidationError):
        actions.create_class(
            "t", code="X-2", title="X", trigger="creation", period_months=5000, action="destroy"
        )


def test_dates_far_in_the_future_are_a_400_not_an_overflow(records_client_a, file_plan_a):
    declared = records_client_a.post(
        "/api/v1/records/records/",
        {
            "title": "Report",
            "file_class": file_plan_a["contracts"].pk,
            "decision_date": "9999-06-01",
            "file": upload("report.pdf", make_pdf()),
        },
    )
    assert "decision_date" in _error(declared)
    record = records_client_a.post(
        "/api/v1/records/records/",
        {
            "title": "Report",
            "file_class": file_plan_a["contracts"].pk,
            "file": upload("r.pdf", make_pdf()),
        },
    ).json()
    response = records_client_a.patch(
        f"/api/v1/records/records/{record['id']}/",
        {"decision_date": "9999-06-01"},
        content_type="application/json",
    )
    assert "decision_date" in _error(response)
    decision = {"title": "D", "decision_maker": "Cabinet", "decision_date": "0001-01-01"}
    response = records_client_a.post(
        "/api/v1/records/decisions/", decision, content_type="application/json"
    )
    assert "decision_date" in _error(response)


def test_retention_arithmetic_never_overflows():
    assert add_months(date(9999, 6, 1), 1200) == date.max
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_a_hold_names_at_most_a_thousand_records(records_client_a, django_assert_max_num_queries):
    body = {"name": "Inquiry", "reason": "Public inquiry", "records": list(range(1, 5001))}
    with django_assert_max_num_queries(30):
        response = records_client_a.post(
            "/api/v1/records/holds/", body, content_type="application/json"
        )
    assert "records" in _error(response)
