"""Council A's funding objects and how the isolation probe reaches every funding route (see
tests/isolation/__init__.py). Platform-wide calls are everyone's by design and carry no marker;
A's own call and A's saved search do."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.isolation.probe import FORM, MARKER, MISSING_UUID, Form, Multipart, Seed

GRANTS = (
    b'{"grants": [{"id": "360G-probe-1", "title": "Probe", "description": "Probe",'
    b' "currency": "GBP", "amountAwarded": 5, "awardDate": "2025-01-01",'
    b' "recipientOrganization": [{"id": "GB-CHC-1", "name": "Probe"}],'
    b' "fundingOrganization": [{"id": "GB-CHC-2", "name": "Probe funder"}]}]}'
)
SNIPPET = "funding_calls"
CALL = {"funder": "Probe funder", "programme": "Probe programme", "url": "https://probe.example/"}


def probe_objects(w) -> None:
    from django.contrib.auth import get_user_model

    from commissioning.funding import actions
    from tenants.actions import set_org_id

    set_org_id(w.council, "GB-LAE-PRB")  # the funder's id in A's 360Giving feed
    owner = get_user_model().objects.get(username=f"probe@{w.council.slug}.example")
    w.funding_call = actions.save_call(
        funder=f"{MARKER} funder",
        programme=f"{MARKER} programme",
        description=MARKER,
        url="https://probe.example/call",
        themes=["probe"],
        owner=owner,
    )
    w.funding_search = actions.save_search(owner=owner, name=f"{MARKER} search", text=MARKER)
    import datetime

    w.funding_grant = actions.award_grant(
        title=f"{MARKER} grant",
        description=MARKER,
        amount_awarded=100,
        award_date=datetime.date(2025, 1, 1),
        recipient_name=MARKER,
    )


def probe_seeds() -> list[Seed]:
    call = lambda w: {"pk": str(w.funding_call.pk)}  # noqa: E731
    search = lambda w: {"pk": w.funding_search.pk}  # noqa: E731
    return [
        Seed("funding-call-list", body={"POST": CALL}),
        Seed(
            "funding-call-detail",
            kwargs=call,
            body={"PUT": CALL, "PATCH": {"programme": "Renamed"}, "DELETE": {}},
        ),
        Seed(
            "funding-call-import-file",
            body={
                "POST": Multipart(
                    lambda w: {
                        "file": SimpleUploadedFile(
                            "calls.csv",
                            b"funder,programme,url\nProbe,Imported,https://probe.example/i\n",
                            content_type="text/csv",
                        )
                    }
                )
            },
        ),
        Seed("funding-call-groups", kwargs=call),
        Seed(
            "funding-grant-list",
            body={
                "POST": {
                    "title": "Probe grant 2",
                    "description": "Probe",
                    "amount_awarded": "10",
                    "award_date": "2025-01-02",
                    "recipient_name": "Probe",
                }
            },
        ),
        Seed("funding-grant-detail", kwargs=lambda w: {"pk": w.funding_grant.pk}),
        Seed(
            "funding-grants-data-import-file",
            body={
                "POST": Multipart(
                    lambda w: {
                        "file": SimpleUploadedFile(
                            "grants.json",
                            GRANTS,
                            content_type="application/json",
                        )
                    }
                )
            },
        ),
        Seed("funding-search-list", body={"POST": {"name": "Probe search 2"}}),
        # Wagtail admin: the council's own calls (a snippet with UUID ids) and the groups screen
        Seed("funding_call_groups", kwargs=call, missing={"pk": MISSING_UUID}),
        *[
            Seed(route, kwargs=call, missing={"pk": MISSING_UUID}, body=body)
            for route, body in (
                (f"{SNIPPET}:edit", {"POST": FORM}),
                (f"{SNIPPET}:delete", {"POST": {}, "DELETE": {}}),
                (f"{SNIPPET}:usage", {}),
                (f"{SNIPPET}:history", {}),
                (f"{SNIPPET}:history_results", {}),
            )
        ],
        Seed(
            f"{SNIPPET}:add",
            body={
                "POST": Form({"funder": "Probe", "programme": "Added", "url": "https://p.example/"})
            },
        ),
        Seed(
            "funding-search-detail",
            kwargs=search,
            body={"PUT": {"name": "Renamed"}, "PATCH": {"name": "Renamed"}, "DELETE": {}},
        ),
        Seed("funding-search-matches", kwargs=search),
        # Wagtail admin: saved searches (the officer's own), grants made, 360Giving imports
        Seed("funding_searches:add", body={"POST": Form({"name": "Probe search 3"})}),
        Seed(
            "funding_searches:edit",
            kwargs=search,
            body={"POST": Form({"name": "Probe search renamed"})},
        ),
        Seed("funding_searches:delete", kwargs=search, body={"POST": {}, "DELETE": {}}),
        Seed("funding_searches:matches", kwargs=search),
        Seed(
            "funding_grants:add",
            body={
                "POST": Form(
                    {
                        "title": "Probe grant 3",
                        "description": "Probe",
                        "amount_awarded": "10",
                        "currency": "GBP",
                        "award_date": "2025-01-03",
                        "recipient_name": "Probe",
                        "source": "direct",
                    }
                )
            },
        ),
        Seed(
            "funding_imports:upload",
            body={
                "POST": Multipart(
                    lambda w: {
                        "file": SimpleUploadedFile(
                            "grants.json", GRANTS, content_type="application/json"
                        )
                    }
                )
            },
        ),
    ]
