"""JSON values of the wrong type are refused (400 naming the field), never coerced: what the
OpenAPI documents promise is what the API accepts (platform_core.api.fields.install_strict_types).
Each case here was accepted before (schemathesis' negative_data_rejection found them). Form and
multipart bodies, which carry only strings, still work."""

import json

import pytest

pytestmark = pytest.mark.django_db


def _post(client, path, body, method="post"):
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def _refused(response, field):
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()["error"]["fields"], response.json()


@pytest.fixture
def hold_a(council_a, in_council, records_client_a):
    from records.models import LegalHold

    with in_council(council_a):
        return LegalHold.objects.create(name="Inquiry", reason="Inquiry", authority="Chief")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "H", "reason": "R", "authority": "A", "records": {}}, "records"),
        ({"name": "H", "reason": "R", "authority": "A", "records": {"1": 1}}, "records"),
        ({"name": "H", "reason": "R", "authority": "A", "records": ["1"]}, "records"),
        ({"name": "H", "reason": "R", "authority": "A", "records": [True]}, "records"),
        ({"name": 0, "reason": "R", "authority": "A"}, "name"),
        ({"name": "H", "reason": 1.5, "authority": "A"}, "reason"),
        ({"name": "H", "reason": "R", "authority": ["A"]}, "authority"),
    ],
)
def test_hold_with_wrong_json_types_is_refused(records_client_a, body, field):
    _refused(_post(records_client_a, "/api/v1/records/holds/", body), field)


def test_policy_owner_must_be_a_string(records_client_a):
    body = {"title": "Policy", "summary": "", "owner": 0, "review_date": "2030-01-01"}
    _refused(_post(records_client_a, "/api/v1/records/policies/", body), "owner")
    ok = _post(records_client_a, "/api/v1/records/policies/", {**body, "owner": "Chief"})
    assert ok.status_code == 201, ok.content


def test_release_reason_is_bounded_and_add_records_needs_its_list(records_client_a, hold_a):
    base = f"/api/v1/records/holds/{hold_a.pk}"
    _refused(records_client_a.post(f"{base}/release/", {"reason": "x" * 2001}), "reason")
    _refused(_post(records_client_a, f"{base}/release/", {"reason": 7}), "reason")
    # A multipart body without ``records`` used to be read as an empty list and accepted.
    _refused(records_client_a.post(f"{base}/add-records/", {}), "records")
    _refused(_post(records_client_a, f"{base}/add-records/", {}), "records")
    assert records_client_a.post(f"{base}/release/", {"reason": "Closed"}).status_code == 200


def test_form_bodies_still_carry_numbers_as_strings(records_client_a, file_plan_a):
    """Multipart (what the records upload sends): ids and numbers are ASCII digit strings."""
    response = records_client_a.post(
        "/api/v1/records/classes/",
        {
            "code": "FIN-09",
            "title": "Invoices",
            "trigger": "creation",
            "period_months": "12",
            "action": "destroy",
        },
    )
    assert response.status_code == 201, response.content
    bad = records_client_a.post(
        "/api/v1/records/classes/",
        {
            "code": "FIN-10",
            "title": "Invoices",
            "trigger": "creation",
            "period_months": "12.0",
            "action": "destroy",
        },
    )
    _refused(bad, "period_months")
    json_string = _post(
        records_client_a,
        "/api/v1/records/classes/",
        {
            "code": "FIN-11",
            "title": "Invoices",
            "trigger": "creation",
            "period_months": "12",
            "action": "destroy",
        },
    )
    _refused(json_string, "period_months")


@pytest.mark.parametrize("day", ["20300101", "2030-W01-1", "2030-001", "２０３０-01-01"])
def test_dates_are_yyyy_mm_dd_only(records_client_a, day):
    """Python's fromisoformat takes basic and week dates; the documents say "format: date"."""
    body = {"title": "Policy", "summary": "", "owner": "Chief", "review_date": day}
    _refused(_post(records_client_a, "/api/v1/records/policies/", body), "review_date")


def test_audit_verify_full_is_true_or_false(records_client_a):
    assert records_client_a.get("/api/v1/records/audit/verify/?full=true").status_code == 200
    _refused(records_client_a.get("/api/v1/records/audit/verify/?full=yes"), "full")


def test_a_string_over_its_maximum_length_is_refused_before_whitespace_is_trimmed():
    """schemathesis (negative_data_rejection): a funding call's ``funder`` of "\\r" followed by
    200 characters (maxLength 200) was trimmed by DRF and then accepted."""
    from rest_framework import serializers

    field = serializers.CharField(max_length=5)
    with pytest.raises(serializers.ValidationError) as refused:
        field.run_validation("\rabcde")
    assert "no more than 5 characters" in str(refused.value.detail)
    assert field.run_validation(" abc ") == "abc"  # within the limit, still trimmed
