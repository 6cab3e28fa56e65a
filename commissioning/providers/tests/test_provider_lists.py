"""A provider account keeps its services' phones, cost options and opening hours (schedules,
per location) current on the edit-service page: rows added, changed and removed, through the
same ServiceChange as the service's fields (``data``/``previous`` carry the lists), published at
once or after staff approval; each list replaces the service's rows in one transaction, and
/openreferral/ publishes them only once applied. Bad rows are refused naming the field and the
row, and nothing is written; a row of another service (or another organisation, or another
council) cannot be reached by posting its id."""

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from commissioning.providers import actions
from commissioning.providers.models import (
    CostOption,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceChange,
)
from platform_core.audit.models import AuditEntry
from platform_core.errors import Refused

from .test_provider_accounts import _form, signed_in_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(council_a):
    """(client signed in as Riverside Care's provider account, own service, other service)."""
    return signed_in_provider(council_a)


def _rows(council, service):
    with schema_context(council.schema_name):
        service = Service.objects.get(pk=service.pk)
        return {kind: actions.service_rows(service, kind) for kind in actions.PROVIDER_LISTS}


def _post_data(service, lists: dict, **fields) -> dict:
    """The edit page's POST: the service's fields and, for each list given, its rows in page
    order (the service's current rows first, each as shown or changed or ``{"DELETE": "on"}``,
    then new rows)."""
    data = _form(service, **fields)
    for kind, rows in lists.items():
        data[f"{kind}-TOTAL_FORMS"] = str(len(rows))
        data[f"{kind}-INITIAL_FORMS"] = str(sum(1 for r in rows if r.get("_existing")))
        for i, row in enumerate(rows):
            for key, value in row.items():
                if key == "_existing":
                    continue
                data[f"{kind}-{i}-{key}"] = "" if value is None else value
    return data


def _existing(row: dict, **changes) -> dict:
    out = {**row, "_existing": True, **changes}
    if "byday" in out and isinstance(out["byday"], str):
        out["byday"] = [d for d in out["byday"].split(",") if d]
    return out


def _published(council, service) -> dict:
    response = Client(HTTP_HOST=council.primary_domain).get(f"/openreferral/services/{service.pk}")
    assert response.status_code == 200
    return response.json()


def test_trusted_provider_changes_phones_costs_and_hours_at_once(provider, council_a):
    client, own, _other = provider
    with schema_context(council_a.schema_name):
        Organization.objects.filter(pk=own.organization_id).update(changes_need_approval=False)
        sal = ServiceAtLocation.objects.get(service=own)
    before = _rows(council_a, own)
    [phone], [cost], [hours] = before["phones"], before["cost_options"], before["schedules"]
    assert hours["service_at_location"] == str(sal.pk)
    data = _post_data(
        own,
        {
            "phones": [
                _existing(phone, number="01234 000111", description="Bookings"),
                {"number": "07700 900123", "description": "Out of hours"},
            ],
            "cost_options": [
                _existing(cost, DELETE="on"),
                {"option": "Per visit", "amount": "12.5", "valid_from": "1/4/2027"},
            ],
            "schedules": [
                _existing(
                    hours,
                    byday=["MO", "TU", "WE", "TH", "FR", "SA"],
                    opens_at="08:30",
                    closes_at="18:00",
                ),
                {
                    "service_at_location": "",
                    "byday": ["SU"],
                    "opens_at": "10:00",
                    "closes_at": "14:00",
                    "description": "Sunday drop-in",
                },
            ],
        },
    )
    response = client.post(f"/provider/services/{own.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    after = _rows(council_a, own)
    assert [(p["number"], p["description"]) for p in after["phones"]] == [
        ("01234 000111", "Bookings"),
        ("07700 900123", "Out of hours"),
    ]
    assert after["phones"][0]["id"] == phone["id"]  # changed in place, the new one added
    assert [(c["option"], c["amount"], c["valid_from"]) for c in after["cost_options"]] == [
        ("Per visit", "12.50", "2027-04-01")
    ]
    with schema_context(council_a.schema_name):
        assert not CostOption.objects.filter(pk=cost["id"]).exists()  # removed
        kept = Schedule.objects.get(pk=hours["id"])
        assert (kept.byday, f"{kept.opens_at:%H:%M}", kept.service_at_location_id) == (
            "MO,TU,WE,TH,FR,SA",
            "08:30",
            sal.pk,
        )
        sunday = Schedule.objects.get(service=own)
        assert (sunday.byday, sunday.freq, sunday.service_at_location_id) == ("SU", "WEEKLY", None)
        change = ServiceChange.objects.get()
        assert change.status == "applied"
        assert set(change.data) == {"phones", "cost_options", "schedules"}
        assert change.previous["phones"] == [phone] and change.previous["cost_options"] == [cost]
        entry = AuditEntry.objects.get(action="providers.change_submitted", object_id=str(own.pk))
        assert entry.detail["fields"] == ["cost_options", "phones", "schedules"]
    published = _published(council_a, own)
    assert [p["number"] for p in published["phones"]] == ["01234 000111", "07700 900123"] or [
        p["number"] for p in published["phones"]
    ] == ["07700 900123", "01234 000111"]
    assert [c["amount"] for c in published["cost_options"]] == [12.5]
    [published_sal] = published["service_at_locations"]
    assert published_sal["schedules"][0]["opens_at"] == "08:30"
    assert published["schedules"][0]["byday"] == "SU"

    # the same page sent again changes nothing: no new change, the entry counts as reviewed
    again = _post_data(
        own,
        {kind: [_existing(r) for r in rows] for kind, rows in _rows(council_a, own).items()},
    )
    assert client.post(f"/provider/services/{own.pk}/", again).status_code == 302
    with schema_context(council_a.schema_name):
        assert ServiceChange.objects.count() == 1


def test_list_changes_wait_for_approval_and_staff_see_before_and_after(
    provider, council_a, client_a, client_b
):
    client, own, _other = provider
    before = _rows(council_a, own)
    [phone], [hours] = before["phones"], before["schedules"]
    data = _post_data(
        own,
        {
            "phones": [_existing(phone, number="01234 222333")],
            "schedules": [_existing(hours, opens_at="10:00", closes_at="16:00")],
        },
    )
    assert client.post(f"/provider/services/{own.pk}/", data).status_code == 302
    with schema_context(council_a.schema_name):
        change = ServiceChange.objects.get()
        assert change.status == "pending" and set(change.data) == {"phones", "schedules"}
    assert _rows(council_a, own) == before  # nothing published yet
    published = _published(council_a, own)
    assert [p["number"] for p in published["phones"]] == ["01234 567890"]
    assert published["service_at_locations"][0]["schedules"][0]["opens_at"] == "09:00"

    page = client_a.get(f"/admin/directory/changes/{change.pk}/").content.decode()
    assert "Phone numbers" in page and "Opening hours" in page
    assert "<del>01234 567890</del>" in page and "<ins>01234 222333</ins>" in page
    assert "Monday, Tuesday, Wednesday, Thursday, Friday 10:00 to 16:00" in page
    assert "community hub:" in page  # the location by name, not its id
    # council B's staff asking for A's change get what a missing change gets
    assert client_b.get(f"/admin/directory/changes/{change.pk}/").status_code == 404
    assert (
        client_b.post(f"/admin/directory/changes/{change.pk}/", {"decision": "approve"}).status_code
        == 404
    )

    response = client_a.post(f"/admin/directory/changes/{change.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    after = _rows(council_a, own)
    assert after["phones"] == [{**phone, "number": "01234 222333"}]
    assert after["schedules"] == [{**hours, "opens_at": "10:00", "closes_at": "16:00"}]
    published = _published(council_a, own)
    assert [p["number"] for p in published["phones"]] == ["01234 222333"]
    assert published["service_at_locations"][0]["schedules"][0]["opens_at"] == "10:00"


def test_bad_rows_are_named_and_nothing_is_written(provider, council_a):
    client, own, _other = provider
    before = _rows(council_a, own)
    [phone], [cost], [hours] = before["phones"], before["cost_options"], before["schedules"]
    data = _post_data(
        own,
        {
            "phones": [_existing(phone), {"number": "", "description": "Bookings"}],
            "cost_options": [_existing(cost, amount="twelve")],
            "schedules": [
                _existing(hours, opens_at="17:00", closes_at="09:00"),
                {"byday": ["MO"], "opens_at": "25:00", "closes_at": "12:00"},
                {"byday": ["XX"], "opens_at": "", "closes_at": ""},
            ],
        },
        name="A new name",
    )
    response = client.post(f"/provider/services/{own.pk}/", data)
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert "<title>Error:" in body
    for message in (
        "Enter a phone number for phone 2",
        "Enter the amount for cost option 1 as a number, like 12.50",
        "The closing time of opening hours 1 must be after its opening time (17:00)",
        "Enter the opening time for opening hours 2 as a time on the 24-hour clock, like 09:00",
        "Select the days from the list for opening hours 3",
    ):
        assert message in body, message
    assert 'href="#id_phones-1-number"' in body  # the summary links to the field
    with schema_context(council_a.schema_name):
        assert not ServiceChange.objects.exists()
        assert Service.objects.get(pk=own.pk).name == own.name
    assert _rows(council_a, own) == before

    # the action refuses the same on its own (whoever calls it), naming the row
    with schema_context(council_a.schema_name):
        user = Organization.objects.get(pk=own.organization_id).accounts.get().user
        service = Service.objects.get(pk=own.pk)
        for kind, rows, message in (
            ("phones", [{"number": " "}], "Enter a phone number for phone 1"),
            (
                "schedules",
                [{"byday": "MO", "opens_at": "18:00", "closes_at": "08:00"}],
                "The closing time of opening hours 1 must be after its opening time",
            ),
            ("cost_options", [{"amount": "-1"}], "must be between 0 and 99999999"),
            ("cost_options", "not a list", "is not a list"),
        ):
            with pytest.raises(Exception) as error:
                actions.submit_service_change(user, service, {kind: rows})
            assert message in str(error.value)
        assert not ServiceChange.objects.exists()


def test_rows_of_another_service_cannot_be_reached_by_their_id(provider, council_a):
    client, own, other = provider
    with schema_context(council_a.schema_name):
        sibling = (
            Service.objects.filter(organization_id=own.organization_id).exclude(pk=own.pk).first()
        )
        foreign_phone = Phone.objects.filter(service=other).first()
        sibling_phone = Phone.objects.filter(service=sibling).first()
        foreign_sal = ServiceAtLocation.objects.filter(service=other).first()
        foreign_schedule = Schedule.objects.filter(service_at_location=foreign_sal).first()
    before = _rows(council_a, own)
    for stolen in (foreign_phone, sibling_phone):
        data = _post_data(
            own,
            {"phones": [_existing(before["phones"][0]), {"id": str(stolen.pk), "number": "666"}]},
        )
        body = client.post(f"/provider/services/{own.pk}/", data).content.decode()
        assert "Phone 2 is not one of this service&#x27;s phones (it may have been removed" in body
    # a location or a schedule of another service, through the action itself
    with schema_context(council_a.schema_name):
        user = Organization.objects.get(pk=own.organization_id).accounts.get().user
        service = Service.objects.get(pk=own.pk)
        for rows in (
            [{"service_at_location": str(foreign_sal.pk), "byday": "MO"}],
            [{"id": str(foreign_schedule.pk), "byday": "MO"}],
        ):
            with pytest.raises(Refused):
                actions.submit_service_change(user, service, {"schedules": rows})
        with pytest.raises(Refused):
            actions.submit_service_change(user, Service.objects.get(pk=other.pk), {"phones": []})
        assert not ServiceChange.objects.exists()
        assert Phone.objects.get(pk=foreign_phone.pk).number == foreign_phone.number
        assert Phone.objects.get(pk=sibling_phone.pk).number == sibling_phone.number
        assert Schedule.objects.get(pk=foreign_schedule.pk).byday == foreign_schedule.byday
    # another organisation's service stays a 404 with lists posted too
    response = client.post(
        f"/provider/services/{other.pk}/",
        _post_data(other, {"phones": [{"id": str(foreign_phone.pk), "number": "666"}]}),
    )
    assert response.status_code == 404
    assert _rows(council_a, own) == before


def test_another_council_cannot_reach_the_service_or_its_rows(provider, council_a, council_b):
    """The provider's session means nothing on council B's domain, and B has no such service:
    the same answer as for a service that does not exist; A's rows are untouched."""
    client, own, _other = provider
    before = _rows(council_a, own)
    client.defaults["HTTP_HOST"] = council_b.primary_domain
    data = _post_data(own, {"phones": [{"number": "0000"}]})
    missing = "00000000-0000-0000-0000-000000000000"
    answers = {
        client.post(f"/provider/services/{own.pk}/", data).status_code,
        client.post(f"/provider/services/{missing}/", data).status_code,
    }
    assert len(answers) == 1 and answers <= {302, 404}
    with schema_context(council_b.schema_name):
        assert not ServiceChange.objects.exists() and not Phone.objects.exists()
    assert _rows(council_a, own) == before


def test_add_another_shows_one_more_blank_row_and_saves_nothing(provider, council_a):
    client, own, _other = provider
    before = _rows(council_a, own)
    data = _post_data(own, {"phones": [_existing(before["phones"][0]), {"number": ""}]})
    data["add"] = "phones"
    data["name"] = "Kept while adding"
    response = client.post(f"/provider/services/{own.pk}/", data)
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" not in body
    assert 'name="phones-2-number"' in body and 'value="Kept while adding"' in body
    with schema_context(council_a.schema_name):
        assert not ServiceChange.objects.exists()


def test_an_approval_that_no_longer_fits_is_refused_whole(provider, council_a, client_a):
    """The location a change's opening hours name is removed before staff approve: approving is
    refused with the reason (not a 500), and the change's phones are not half-applied."""
    client, own, _other = provider
    before = _rows(council_a, own)
    [phone], [hours] = before["phones"], before["schedules"]
    data = _post_data(
        own,
        {
            "phones": [_existing(phone, number="01234 999000")],
            "schedules": [_existing(hours, opens_at="10:00", closes_at="16:00")],
        },
    )
    assert client.post(f"/provider/services/{own.pk}/", data).status_code == 302
    with schema_context(council_a.schema_name):
        change = ServiceChange.objects.get()
        ServiceAtLocation.objects.filter(pk=hours["service_at_location"]).delete()
    response = client_a.post(f"/admin/directory/changes/{change.pk}/", {"decision": "approve"})
    assert response.status_code == 200
    assert "is no longer one of" in response.content.decode()
    with schema_context(council_a.schema_name):
        assert ServiceChange.objects.get().status == "pending"
        assert actions.service_rows(Service.objects.get(pk=own.pk), "phones") == [phone]
    # rejecting it leaves the entry as it is
    response = client_a.post(f"/admin/directory/changes/{change.pk}/", {"decision": "reject"})
    assert response.status_code == 302
    with schema_context(council_a.schema_name):
        assert ServiceChange.objects.get().status == "rejected"
        assert actions.service_rows(Service.objects.get(pk=own.pk), "phones") == [phone]
